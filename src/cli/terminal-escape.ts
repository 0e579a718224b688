/**
 * Flow strings (pod names, labels, DNS names, error messages quoting input) are attacker
 * controlled. Before they reach a terminal, control characters (ESC starts ANSI sequences that
 * can rewrite the screen or the window title), C1 controls, and bidirectional or invisible
 * formatting characters are shown as visible escapes instead.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * @example escapeTerminal('pod\u001b[31mred') // 'pod\\x1b[31mred'
 */
export function escapeTerminal(text: string): string {
  return text.replace(UNSAFE, visible);
}

/**
 * For JSON text: the same characters as `\uXXXX` escapes, which JSON readers decode back to
 * the original, so the output stays valid and equal in meaning but inert on a terminal.
 * (JSON.stringify already escapes C0 controls, not C1 or bidirectional ones.)
 */
export function escapeJsonForTerminal(json: string): string {
  return json.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

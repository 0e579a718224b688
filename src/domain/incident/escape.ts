/**
 * Escaping for messages that leave the product. Names in incidents come from flows and findings
 * and are attacker-controlled: in Slack mrkdwn `<!channel>` or `<https://evil|click>` would ping
 * or mislead, in Markdown `[x](https://evil)` or backticks would do the same.
 */

/** Slack mrkdwn: the three characters Slack gives control meaning, plus formatting marks. */
export function escapeSlackText(text: string): string {
  return stripControls(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([*_~`])/g, '\u200b$1\u200b');
}

/**
 * CommonMark: backslash-escapes the punctuation that can start markup inside a line (links,
 * emphasis, code, HTML, tables). Our lines always begin with our own text, so '-', '.' and
 * digits, which matter only at a line start, stay readable.
 */
export function escapeMarkdown(text: string): string {
  return stripControls(text).replace(/([\\`*_{}[\]()#+!|<>~&])/g, '\\$1');
}

/** Text for a fenced code block: a fence inside cannot close it early. */
export function codeBlock(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${stripControls(text, true)}\n${fence}`;
}

/** Removes control characters (terminal escapes, bidi overrides); keeps newlines if asked. */
export function stripControls(text: string, keepNewlines = false): string {
  const re = keepNewlines
    ? // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
    : // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
      /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  return text.replace(re, keepNewlines ? '' : ' ');
}

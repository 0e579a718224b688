/**
 * One line of the Prometheus text exposition format (version 0.0.4): samples with label
 * escapes (`\\`, `\"`, `\n`), Go float values (`NaN`, `+Inf`, exponents) and optional
 * millisecond timestamps; `# HELP`, `# TYPE` and other comments.
 */

export interface Sample {
  kind: 'sample';
  name: string;
  /** Sorted by label name. */
  labels: Array<[string, string]>;
  value: number;
  timestampMs: number | null;
}

export type ExpositionLine =
  | Sample
  | { kind: 'comment' }
  | { kind: 'scrape'; timeMs: number }
  | { kind: 'error'; field: string; message: string };

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_CHAR = /[a-zA-Z0-9_]/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/;
const INT_RE = /^-?\d{1,16}$/;

function parseValue(text: string): number | null {
  switch (text) {
    case 'NaN':
    case 'nan':
      return NaN;
    case '+Inf':
    case 'Inf':
    case '+inf':
    case 'inf':
      return Infinity;
    case '-Inf':
    case '-inf':
      return -Infinity;
  }
  return FLOAT_RE.test(text) ? Number(text) : null;
}

/** `# scrape <epoch ms | RFC 3339>`: the time of the following samples that carry none. */
function parseComment(line: string): ExpositionLine {
  const m = /^#\s*scrape\s+(\S+)\s*$/.exec(line);
  if (!m) return { kind: 'comment' };
  const v = m[1] as string;
  const t = /^\d{1,16}$/.test(v) ? Number(v) : Date.parse(v);
  if (Number.isNaN(t) || t > 8.64e15)
    return { kind: 'error', field: 'scrape', message: `bad scrape time ${v}` };
  return { kind: 'scrape', timeMs: t };
}

export function parseExpositionLine(raw: string): ExpositionLine {
  const line = raw.trim();
  if (line.startsWith('#')) return parseComment(line);
  let i = 0;
  if (!NAME_START.test(line[0] ?? '')) return err('name', 'expected a metric name');
  while (i < line.length && NAME_CHAR.test(line[i] as string)) i++;
  const name = line.slice(0, i);
  const labels: Array<[string, string]> = [];
  while (line[i] === ' ' || line[i] === '\t') i++;
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === '\t' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const start = i;
      while (i < line.length && LABEL_CHAR.test(line[i] as string)) i++;
      const label = line.slice(start, i);
      if (label === '') return err('labels', `bad label name at column ${i + 1}`);
      while (line[i] === ' ') i++;
      if (line[i] !== '=') return err(`labels.${label}`, 'expected =');
      i++;
      while (line[i] === ' ') i++;
      if (line[i] !== '"') return err(`labels.${label}`, 'expected a quoted value');
      i++;
      let value = '';
      let closed = false;
      while (i < line.length) {
        const c = line[i] as string;
        if (c === '\\') {
          const n = line[i + 1];
          value += n === 'n' ? '\n' : n === '"' ? '"' : n === '\\' ? '\\' : `\\${n ?? ''}`;
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) return err(`labels.${label}`, 'unterminated label value');
      if (labels.some(([k]) => k === label)) return err(`labels.${label}`, 'duplicate label');
      labels.push([label, value]);
      while (line[i] === ' ') i++;
      if (line[i] !== ',' && line[i] !== '}')
        return err('labels', `expected , or } at column ${i + 1}`);
    }
  }
  const rest = line
    .slice(i)
    .trim()
    .split(/[ \t]+/);
  if (rest.length === 0 || rest[0] === '') return err('value', 'missing sample value');
  if (rest.length > 2) return err('timestamp', 'unexpected text after the timestamp');
  const value = parseValue(rest[0] as string);
  if (value === null) return err('value', `not a number: ${(rest[0] as string).slice(0, 40)}`);
  let timestampMs: number | null = null;
  if (rest.length === 2) {
    if (!INT_RE.test(rest[1] as string)) return err('timestamp', 'not an integer ms timestamp');
    timestampMs = Number(rest[1]);
    if (Math.abs(timestampMs) > 8.64e15) return err('timestamp', 'timestamp out of range');
  }
  labels.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { kind: 'sample', name, labels, value, timestampMs };
}

function err(field: string, message: string): ExpositionLine {
  return { kind: 'error', field, message };
}

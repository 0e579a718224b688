/**
 * The Helm/Sprig functions the chart may use, with Helm's semantics for the values this chart
 * passes them. A function not listed here is an error at render time.
 */
import { createHash } from 'node:crypto';

import { stringify } from 'yaml';

/** Go template truth: false, 0, nil, "" and empty lists and maps are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') throw new Error('expected a scalar, got a map or list');
  return String(v);
}

/** Helm's toYaml: keys sorted, no trailing newline. */
export function toYaml(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return stringify(v, { sortMapEntries: true, lineWidth: 0 }).replace(/\n+$/, '');
}

function indentLines(n: number, s: unknown): string {
  const pad = ' '.repeat(n);
  return text(s)
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

function printf(format: unknown, ...args: unknown[]): string {
  let i = 0;
  return text(format).replace(/%[sdvq%]/g, (m) => {
    if (m === '%%') return '%';
    const a = args[i++];
    return m === '%q' ? JSON.stringify(text(a)) : text(a);
  });
}

function compare(a: unknown, b: unknown): number {
  if (typeof a !== typeof b) throw new Error(`cannot compare ${typeof a} with ${typeof b}`);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

type Fn = (...args: unknown[]) => unknown;

export const FUNCS: Readonly<Record<string, Fn>> = {
  toYaml: (v) => toYaml(v),
  toJson: (v) => JSON.stringify(v ?? null),
  indent: (n, s) => indentLines(Number(n), s),
  nindent: (n, s) => `\n${indentLines(Number(n), s)}`,
  quote: (...vs) => vs.map((v) => JSON.stringify(text(v))).join(' '),
  default: (d, v) => (truthy(v) ? v : d),
  required: (msg, v) => {
    if (v === null || v === undefined || v === '') throw new Error(text(msg));
    return v;
  },
  fail: (msg) => {
    throw new Error(text(msg));
  },
  empty: (v) => !truthy(v),
  eq: (a, ...bs) => bs.some((b) => a === b),
  ne: (a, b) => a !== b,
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  not: (v) => !truthy(v),
  int: (v) => Math.trunc(Number(v ?? 0)),
  toString: (v: unknown) => text(v),
  printf: (f, ...args) => printf(f, ...args),
  trunc: (n, s) => {
    const str = text(s);
    const k = Number(n);
    return k >= 0 ? str.slice(0, k) : str.slice(k);
  },
  trimSuffix: (suffix, s) => {
    const str = text(s);
    const suf = text(suffix);
    return suf !== '' && str.endsWith(suf) ? str.slice(0, -suf.length) : str;
  },
  contains: (sub, s) => text(s).includes(text(sub)),
  sha256sum: (s) => createHash('sha256').update(text(s), 'utf8').digest('hex'),
  b64enc: (s) => Buffer.from(text(s), 'utf8').toString('base64'),
  list: (...vs) => vs,
  hasKey: (m, k) =>
    typeof m === 'object' && m !== null && Object.prototype.hasOwnProperty.call(m, text(k)),
  len: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : Object.keys(v ?? {}).length),
};

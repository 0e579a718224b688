/**
 * Small, allocation-light readers for loosely typed wire values, shared by the format parsers.
 * Producers send numbers as strings (protobuf JSON encodes 64-bit integers that way), so every
 * numeric reader accepts both.
 */
import type { Protocol } from '../domain/flow.js';
import type { LineOutcome, RecordError } from './parser.js';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const UINT_RE = /^\d{1,16}$/;

/** A non-negative integer from a number or a decimal string; `undefined` when absent, `null` when bad. */
export function readUint(v: unknown): number | null | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : null;
  if (typeof v === 'string') return UINT_RE.test(v) ? Number(v) : null;
  return null;
}

/** A finite non-negative number (integers or decimals), from a number or string. */
export function readCount(v: unknown): number | null | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER ? n : null;
}

/** Latest instant a JS Date can hold; later "times" are garbage. */
const MAX_TIME_MS = 8.64e15;

function sane(t: number): number | null {
  return Number.isFinite(t) && Math.abs(t) <= MAX_TIME_MS ? t : null;
}

/** Non-empty string or null. */
export function readString(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

const EPOCH_RE = /^-?\d+(\.\d+)?$/;

/**
 * A timestamp as RFC 3339 text, epoch seconds (number or decimal string) or a protobuf
 * `{seconds, nanos}` object. Returns epoch ms, or null when it is none of these.
 */
export function readTime(v: unknown, epochUnitMs = 1000): number | null {
  if (typeof v === 'string') {
    if (EPOCH_RE.test(v)) return sane(Math.round(Number(v) * epochUnitMs));
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  if (typeof v === 'number') return sane(Math.round(v * epochUnitMs));
  if (isObject(v)) {
    const s = readUint(v['seconds']);
    if (typeof s !== 'number') return null;
    const n = readUint(v['nanos']) ?? 0;
    return sane(s * 1000 + Math.floor((n ?? 0) / 1e6));
  }
  return null;
}

const PROTOCOL_BY_NAME: Readonly<Record<string, Protocol>> = {
  tcp: 'TCP',
  '6': 'TCP',
  udp: 'UDP',
  '17': 'UDP',
  sctp: 'SCTP',
  '132': 'SCTP',
  icmp: 'ICMP',
  icmpv4: 'ICMP',
  '1': 'ICMP',
  icmp6: 'ICMPv6',
  icmpv6: 'ICMPv6',
  'ipv6-icmp': 'ICMPv6',
  '58': 'ICMPv6',
};

/** Maps a protocol name or IANA number, any case, onto the domain protocol. */
export function protocolOf(v: unknown): Protocol {
  if (typeof v !== 'string' && typeof v !== 'number') return 'other';
  return PROTOCOL_BY_NAME[String(v).toLowerCase()] ?? 'other';
}

/** Parses `key=value` label strings; a bare `key` gets the empty value. */
export function labelsFromPairs(pairs: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    if (typeof p !== 'string' || p === '') continue;
    const eq = p.indexOf('=');
    if (eq < 0) out[p] = '';
    else out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

/** Labels sent as an array of `k=v`, a `k=v | k=v` string (Whisker) or a plain object. */
export function readLabels(v: unknown): Record<string, string> | null {
  if (v === undefined || v === null || v === '') return {};
  if (Array.isArray(v)) return labelsFromPairs(v);
  if (typeof v === 'string') return labelsFromPairs(v.split(/\s*[|,]\s*/));
  if (isObject(v)) {
    if (Array.isArray(v['labels'])) return labelsFromPairs(v['labels']);
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      if (typeof val !== 'string') return null;
      out[k] = val;
    }
    return out;
  }
  return null;
}

export function fail(line: number, field: string | undefined, message: string): LineOutcome {
  const error: RecordError = field === undefined ? { line, message } : { line, field, message };
  return { flows: [], error };
}

/** A valid record that yields no flow we count. */
export function skip(count = 1): LineOutcome {
  return { flows: [], skipped: count };
}

export function none(): LineOutcome {
  return { flows: [] };
}

/** JSON.parse that reports failure instead of throwing. */
export function parseJson(
  line: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(line) as unknown };
  } catch (e) {
    return { ok: false, message: `invalid JSON: ${(e as Error).message}` };
  }
}

/** True for lines that hold only whitespace (skipped silently, not counted). */
export function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10 && c !== 0xfeff) return false;
  }
  return true;
}

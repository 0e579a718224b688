/**
 * IP text to PostgreSQL inet/cidr text. Addresses are parsed by the same code as everywhere
 * else (`ip-key.ts`, `domain/ip.ts`) and written back canonically, so PostgreSQL's own parser
 * never decides what counts as an IP: SQLite and PostgreSQL accept and match the same ones.
 */
import { parseCidr, parseIp } from '../../domain/ip.js';
import { ipKey } from '../ip-key.js';

function v6Text(value: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}

function addressText(value: bigint, bits: 32 | 128): string {
  if (bits === 128) return v6Text(value);
  return [24, 16, 8, 0].map((s) => Number((value >> BigInt(s)) & 0xffn)).join('.');
}

/** The inet text of a flow's IP, or null when the text is not an IP (kept, but never matched). */
export function inetOf(ip: string | null): string | null {
  const k = ipKey(ip);
  if (k === null) return null;
  if (k[0] === 4) return `${k[1]}.${k[2]}.${k[3]}.${k[4]}`;
  let v = 0n;
  for (let i = 1; i < k.length; i++) v = (v << 8n) | BigInt(k[i] ?? 0);
  return v6Text(v);
}

/** An IP or CIDR filter as cidr text (an address becomes a /32 or /128), or null when malformed. */
export function cidrOf(filter: string): string | null {
  if (filter.includes('/')) {
    const c = parseCidr(filter);
    return c ? `${addressText(c.base, c.bits)}/${c.prefix}` : null;
  }
  const ip = parseIp(filter);
  return ip ? `${addressText(ip.value, ip.bits)}/${ip.bits}` : null;
}

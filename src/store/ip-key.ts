/**
 * Sortable binary keys for IP addresses, so that an IP or CIDR filter becomes an index-friendly
 * range: one family byte (4 or 6) then the address in network order. The family byte keeps
 * IPv4 and IPv6 ranges apart when blobs are compared byte by byte.
 */
import { parseCidr, parseIp } from '../domain/ip.js';

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function fromBigint(value: bigint, bits: 32 | 128): Buffer {
  const len = bits / 8;
  const out = Buffer.alloc(len + 1);
  out[0] = bits === 32 ? 4 : 6;
  let v = value;
  for (let i = len; i >= 1; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The key of an IP address, or null when the text is not one. */
export function ipKey(text: string | null): Buffer | null {
  if (text === null) return null;
  // Fast path: most flow IPs are IPv4, and this runs for every stored raw event.
  const m = V4.exec(text);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const c = Number(m[3]);
    const d = Number(m[4]);
    if (a > 255 || b > 255 || c > 255 || d > 255) return null;
    return Buffer.from([4, a, b, c, d]);
  }
  const ip = parseIp(text);
  return ip ? fromBigint(ip.value, ip.bits) : null;
}

/** Inclusive key range matched by an IP or a CIDR filter, or null when malformed. */
export function ipKeyRange(filter: string): { lo: Buffer; hi: Buffer } | null {
  if (!filter.includes('/')) {
    const k = ipKey(filter);
    return k ? { lo: k, hi: k } : null;
  }
  const cidr = parseCidr(filter);
  if (!cidr) return null;
  const hostBits = BigInt(cidr.bits - cidr.prefix);
  const last = cidr.base | ((1n << hostBits) - 1n);
  return { lo: fromBigint(cidr.base, cidr.bits), hi: fromBigint(last, cidr.bits) };
}

/** IP helpers shared by the policy engine and flow normalisation. Pure, IPv4 and IPv6. */

/** A parsed CIDR: address as bigint, the prefix length and the family's width in bits. */
export interface Cidr {
  base: bigint;
  prefix: number;
  bits: 32 | 128;
  text: string;
}

export function parseIPv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

export function parseIPv6(text: string): bigint | null {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.') && lastColon >= 0) {
    // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string): bigint[] | null => {
    if (h === '') return [];
    const out: bigint[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(BigInt(parseInt(g, 16)));
    }
    return out;
  };
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (!head || !rest) return null;
  const groups = head.length + rest.length;
  if (halves.length === 1 && groups !== 8) return null;
  if (halves.length === 2 && groups > 7) return null;
  const all = [...head, ...Array<bigint>(8 - groups).fill(0n), ...rest];
  return all.reduce((acc: bigint, g: bigint) => (acc << 16n) | g, 0n);
}

/** Parses an IP address; returns its value and family width, or null. */
export function parseIp(text: string): { value: bigint; bits: 32 | 128 } | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return { value: v4, bits: 32 };
  if (!text.includes(':')) return null;
  const v6 = parseIPv6(text);
  return v6 === null ? null : { value: v6, bits: 128 };
}

/**
 * Parses `a.b.c.d/n` or an IPv6 CIDR. Returns null when malformed. Host bits may be set
 * (Kubernetes accepts `10.0.0.1/24`); they are masked off.
 */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > ip.bits) return null;
  const width = BigInt(ip.bits);
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << (width - BigInt(prefix));
  return { base: ip.value & mask, prefix, bits: ip.bits, text };
}

export function cidrContains(cidr: Cidr, ip: { value: bigint; bits: 32 | 128 }): boolean {
  if (cidr.bits !== ip.bits) return false;
  const width = BigInt(cidr.bits);
  const shift = width - BigInt(cidr.prefix);
  return ip.value >> shift === cidr.base >> shift;
}

/** True when `inner` lies entirely within `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return (
    inner.bits === outer.bits &&
    inner.prefix >= outer.prefix &&
    cidrContains(outer, { value: inner.base, bits: inner.bits })
  );
}

const PRIVATE_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  'fc00::/7',
  'fe80::/10',
  '::1/128',
].map((c) => parseCidr(c) as Cidr);

export interface NamedCidr {
  name: string;
  cidr: Cidr;
}

/**
 * Groups an external IP for aggregation: the first configured named CIDR that contains it,
 * else `private` for RFC 1918 / ULA / link-local ranges, else `world`.
 */
export function externalGroupOf(ipText: string, named: readonly NamedCidr[] = []): string {
  const ip = parseIp(ipText);
  if (!ip) return 'world';
  for (const n of named) if (cidrContains(n.cidr, ip)) return n.name;
  for (const r of PRIVATE_RANGES) if (cidrContains(r, ip)) return 'private';
  return 'world';
}

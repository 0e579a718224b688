/**
 * External address ranges for connectivity maps. Every ipBlock `cidr` and `except` edge
 * splits the address space, so within one resulting range every ipBlock either contains all
 * addresses or none: one representative address answers for the whole range.
 */
import { type Cidr, parseIp } from '../ip.js';
import type { ClusterModel } from './model.js';

export interface IpRange {
  bits: 32 | 128;
  first: bigint;
  last: bigint;
}

function cidrBounds(c: Cidr): [bigint, bigint] {
  const size = 1n << BigInt(c.bits - c.prefix);
  return [c.base, c.base + size - 1n];
}

/** Every ipBlock CIDR (and except) of the models' policies. */
function policyCidrs(models: readonly ClusterModel[]): Cidr[] {
  const out: Cidr[] = [];
  for (const m of models)
    for (const p of m.policies)
      for (const r of [...p.ingress, ...p.egress])
        for (const peer of r.peers ?? [])
          if (peer.kind === 'ipBlock') out.push(peer.cidr, ...peer.except);
  return out;
}

/**
 * Splits the IPv4 space (and the IPv6 space, when some ipBlock is IPv6) at every boundary of
 * the models' ipBlocks. Ranges are disjoint, sorted, and cover the whole family.
 *
 * @example
 * externalRanges([model]); // for one ipBlock 10.0.0.0/8: 0.0.0.0-9.255.255.255, 10.0.0.0-10.255.255.255, 11.0.0.0-255.255.255.255
 */
export function externalRanges(
  models: readonly ClusterModel[],
  extra: readonly Cidr[] = [],
): IpRange[] {
  const cidrs = [...policyCidrs(models), ...extra];
  const out: IpRange[] = [];
  for (const bits of [32, 128] as const) {
    const mine = cidrs.filter((c) => c.bits === bits);
    if (bits === 128 && mine.length === 0) continue;
    const max = (1n << BigInt(bits)) - 1n;
    // Starts of ranges: 0, every CIDR start, and the address after every CIDR end.
    const starts = new Set<bigint>([0n]);
    for (const c of mine) {
      const [lo, hi] = cidrBounds(c);
      starts.add(lo);
      if (hi < max) starts.add(hi + 1n);
    }
    const sorted = [...starts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    sorted.forEach((first, i) => {
      const next = sorted[i + 1];
      out.push({ bits, first, last: next === undefined ? max : next - 1n });
    });
  }
  return out;
}

export function formatIp(value: bigint, bits: 32 | 128): string {
  if (bits === 32) {
    return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 255n).toString()).join('.');
  }
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** `10.0.0.0-10.255.255.255`. */
export function formatIpRange(r: IpRange): string {
  return `${formatIp(r.first, r.bits)}-${formatIp(r.last, r.bits)}`;
}

/** The fewest CIDRs that cover the range exactly, e.g. `['10.0.0.0/8']`. */
export function rangeToCidrs(r: IpRange): string[] {
  const out: string[] = [];
  let cur = r.first;
  while (cur <= r.last) {
    let size = 0;
    while (
      size < r.bits &&
      (cur & ((1n << BigInt(size + 1)) - 1n)) === 0n &&
      cur + (1n << BigInt(size + 1)) - 1n <= r.last
    )
      size++;
    out.push(`${formatIp(cur, r.bits)}/${r.bits - size}`);
    cur += 1n << BigInt(size);
  }
  return out;
}

export function rangeContains(r: IpRange, ip: string): boolean {
  const a = parseIp(ip);
  return !!a && a.bits === r.bits && a.value >= r.first && a.value <= r.last;
}

/** Set algebra on port sets, for connectivity maps and their differences. */
import { emptyPortSet, normalizeRanges, type PortRange, type PortSet } from './port-set.js';
import { POLICY_PROTOCOLS } from './types.js';

/** Every port in `a` or `b`. */
export function unionPortSets(a: PortSet, b: PortSet): PortSet {
  const out = emptyPortSet();
  for (const p of POLICY_PROTOCOLS) out[p] = normalizeRanges([...a[p], ...b[p]]);
  return out;
}

function subtractRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const [lo0, hi] of a) {
    let lo = lo0;
    for (const [blo, bhi] of b) {
      if (bhi < lo || blo > hi) continue;
      if (blo > lo) out.push([lo, blo - 1]);
      lo = Math.max(lo, bhi + 1);
      if (lo > hi) break;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

/** Every port in `a` and not in `b` (both normalized). */
export function subtractPortSets(a: PortSet, b: PortSet): PortSet {
  const out = emptyPortSet();
  for (const p of POLICY_PROTOCOLS) out[p] = subtractRanges(a[p], b[p]);
  return out;
}

export function portSetsEqual(a: PortSet, b: PortSet): boolean {
  return POLICY_PROTOCOLS.every(
    (p) =>
      a[p].length === b[p].length &&
      a[p].every(([lo, hi], i) => lo === b[p][i]![0] && hi === b[p][i]![1]),
  );
}

/** A stable text key for grouping equal port sets. */
export function portSetKey(set: PortSet): string {
  return POLICY_PROTOCOLS.map((p) => set[p].map(([lo, hi]) => `${lo}-${hi}`).join(',')).join('|');
}

/** Sets of ports per protocol as sorted, disjoint, inclusive ranges. */
import type { PolicyProtocol } from './types.js';
import { POLICY_PROTOCOLS } from './types.js';

export type PortRange = readonly [number, number];
/** `{ TCP: [[80, 80], [8000, 8080]], UDP: [], SCTP: [] }`. */
export type PortSet = Record<PolicyProtocol, PortRange[]>;

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export function emptyPortSet(): PortSet {
  return { TCP: [], UDP: [], SCTP: [] };
}

export function fullPortSet(): PortSet {
  return { TCP: [[MIN_PORT, MAX_PORT]], UDP: [[MIN_PORT, MAX_PORT]], SCTP: [[MIN_PORT, MAX_PORT]] };
}

/** Sorts and merges overlapping or adjacent ranges. */
export function normalizeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const lo = Math.max(x[0], y[0]);
    const hi = Math.min(x[1], y[1]);
    if (lo <= hi) out.push([lo, hi]);
    if (x[1] < y[1]) i++;
    else j++;
  }
  return out;
}

export function intersectPortSets(a: PortSet, b: PortSet): PortSet {
  const out = emptyPortSet();
  for (const p of POLICY_PROTOCOLS) out[p] = intersectRanges(a[p], b[p]);
  return out;
}

export function portSetHas(set: PortSet, protocol: PolicyProtocol, port: number): boolean {
  return set[protocol].some(([lo, hi]) => port >= lo && port <= hi);
}

export function isPortSetEmpty(set: PortSet): boolean {
  return POLICY_PROTOCOLS.every((p) => set[p].length === 0);
}

/** `TCP 80,8000-8080; UDP 53`, or `none` / `all`. */
export function formatPortSet(set: PortSet): string {
  if (isPortSetEmpty(set)) return 'none';
  const full = POLICY_PROTOCOLS.every(
    (p) => set[p].length === 1 && set[p][0]![0] === MIN_PORT && set[p][0]![1] === MAX_PORT,
  );
  if (full) return 'all';
  return POLICY_PROTOCOLS.filter((p) => set[p].length > 0)
    .map((p) => `${p} ${set[p].map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',')}`)
    .join('; ');
}

/**
 * Traffic evidence from the hourly rollups: denied and allowed per month, split into internal
 * (cross-namespace, same-namespace lateral) and external (ingress from and egress to peers
 * outside the cluster), and the top violations.
 */
import type { EvidenceTable } from '../../api/compliance-schema.js';
import { monthLabel, monthStarts } from '../../domain/compliance/period.js';
import type { RollupRow } from '../../store/flow-store.js';
import { addCount, baseFilter, type EvidenceInput } from './evidence-input.js';

export const TRAFFIC_CLASSES = [
  'cross-namespace',
  'same-namespace',
  'external-ingress',
  'external-egress',
  'host-or-unknown',
] as const;
export type TrafficClass = (typeof TRAFFIC_CLASSES)[number];

export interface Counters {
  flows: number | null;
  packets: number | null;
  bytes: number | null;
}

export interface MonthTraffic {
  month: string;
  from: number;
  denied: Counters;
  allowed: Counters;
  audit: Counters;
  /** Flows (or packets where a source reports no flows) by class and verdict. */
  deniedBy: Record<TrafficClass, number>;
  allowedBy: Record<TrafficClass, number>;
}

export interface TrafficEvidence {
  months: MonthTraffic[];
  totals: { denied: Counters; allowed: Counters; audit: Counters };
  topViolations: EvidenceTable;
}

const zero = (): Counters => ({ flows: null, packets: null, bytes: null });
const classes = (): Record<TrafficClass, number> =>
  Object.fromEntries(TRAFFIC_CLASSES.map((c) => [c, 0])) as Record<TrafficClass, number>;

export function classify(r: RollupRow): TrafficClass {
  if (r.srcKind === 'external') return 'external-ingress';
  if (r.dstKind === 'external') return 'external-egress';
  if (r.srcKind === 'pod' && r.dstKind === 'pod')
    return r.srcNamespace === r.dstNamespace ? 'same-namespace' : 'cross-namespace';
  return 'host-or-unknown';
}

function add(c: Counters, r: RollupRow): void {
  c.flows = addCount(c.flows, r.flows);
  c.packets = addCount(c.packets, r.packets);
  c.bytes = addCount(c.bytes, r.bytes);
}

/** Per month over the period, then the top denied pairs of the whole period. */
export async function trafficEvidence(input: EvidenceInput, top = 20): Promise<TrafficEvidence> {
  const store = input.ctx.store;
  const base = baseFilter(input);
  const months: MonthTraffic[] = [];
  const totals = { denied: zero(), allowed: zero(), audit: zero() };
  for (const start of monthStarts(input.from, input.to)) {
    const next = new Date(start);
    const end = Math.min(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 1), input.to);
    const from = Math.max(start, input.from);
    const rows = await store.queryRollups({
      ...base,
      resolution: '1h',
      from,
      to: end,
      groupBy: ['verdict', 'srcKind', 'dstKind', 'srcNamespace', 'dstNamespace'],
      limit: 100_000,
    });
    const m: MonthTraffic = {
      month: monthLabel(start),
      from,
      denied: zero(),
      allowed: zero(),
      audit: zero(),
      deniedBy: classes(),
      allowedBy: classes(),
    };
    for (const r of rows) {
      const v = r.verdict ?? 'allowed';
      add(m[v], r);
      add(totals[v], r);
      const n = r.flows ?? r.packets ?? 0;
      if (v === 'denied') m.deniedBy[classify(r)] += n;
      else if (v === 'allowed') m.allowedBy[classify(r)] += n;
    }
    months.push(m);
  }
  const denied = await store.queryRollups({
    ...base,
    resolution: '1h',
    from: input.from,
    to: input.to,
    verdict: ['denied'],
    groupBy: [
      'srcNamespace',
      'srcWorkload',
      'dstNamespace',
      'dstWorkload',
      'protocol',
      'port',
      'policy',
    ],
    limit: top,
  });
  const peer = (ns: string | null | undefined, wl: string | null | undefined): string =>
    ns ? `${ns}/${wl ?? '?'}` : (wl ?? 'unknown');
  return {
    months,
    totals,
    topViolations: {
      id: 'top-violations',
      title: 'Top denied connections',
      columns: [
        'source',
        'destination',
        'port',
        'policy',
        'flows',
        'packets',
        'first seen',
        'last seen',
      ],
      rows: denied.map((r) => [
        peer(r.srcNamespace, r.srcWorkload),
        peer(r.dstNamespace, r.dstWorkload),
        r.port === null || r.port === undefined ? `${r.protocol}` : `${r.port}/${r.protocol}`,
        r.policy || '(no policy matched)',
        r.flows,
        r.packets,
        new Date(r.firstSeen).toISOString(),
        new Date(r.lastSeen).toISOString(),
      ]),
    },
  };
}

/** The monthly table of the traffic evidence. */
export function monthlyTrafficTable(t: TrafficEvidence): EvidenceTable {
  return {
    id: 'traffic-by-month',
    title: 'Denied and allowed traffic per month',
    columns: [
      'month',
      'denied flows',
      'denied packets',
      'allowed flows',
      'allowed packets',
      'allowed bytes',
      'denied cross-namespace',
      'denied same-namespace',
      'denied from external',
      'denied to external',
      'allowed from external',
      'allowed to external',
    ],
    rows: t.months.map((m) => [
      m.month,
      m.denied.flows,
      m.denied.packets,
      m.allowed.flows,
      m.allowed.packets,
      m.allowed.bytes,
      m.deniedBy['cross-namespace'],
      m.deniedBy['same-namespace'],
      m.deniedBy['external-ingress'],
      m.deniedBy['external-egress'],
      m.allowedBy['external-ingress'],
      m.allowedBy['external-egress'],
    ]),
  };
}

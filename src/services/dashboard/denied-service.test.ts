import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DeniedGroup, DeniedGroupsQuery } from '../../api/dashboard-schema.js';
import type { Flow } from '../../domain/flow.js';
import type { RollupRow } from '../../store/flow-store.js';
import { openSqliteStore, type SqliteFlowStore } from '../../store/sqlite/sqlite-store.js';
import { makeFlow, podEndpoint, seededRandom, T0 } from '../../testing/flow-factory.js';
import { getDeniedGroups, groupId } from './denied-service.js';
import {
  addCount,
  ALL_ROWS,
  type DashboardDeps,
  dstPeer,
  resolutionFor,
  srcPeer,
} from './scope.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
let store: SqliteFlowStore;
let deps: DashboardDeps;

/**
 * The previous implementation, kept as the reference: one row per group, source and bucket
 * from the store, folded here.
 */
async function referenceGroups(q: DeniedGroupsQuery): Promise<Map<string, DeniedGroup>> {
  const resolution = resolutionFor(q.from, q.to);
  const rows: RollupRow[] = await store.queryRollups({
    verdict: ['denied'],
    resolution,
    from: q.from,
    to: q.to,
    groupBy: [
      ...(['cluster', 'srcNamespace', 'srcWorkload', 'srcKind', 'dstNamespace'] as const),
      ...(['dstWorkload', 'dstKind', 'protocol', 'port', 'direction', 'reason'] as const),
      ...(['policy', 'source', 'bucket'] as const),
    ],
    limit: ALL_ROWS,
  });
  const out = new Map<string, DeniedGroup>();
  for (const r of rows) {
    const key = {
      cluster: r.cluster ?? '',
      src: srcPeer(r),
      dst: dstPeer(r),
      port: r.port ?? null,
      protocol: r.protocol ?? 'other',
      direction: r.direction ?? 'unknown',
      reason: r.reason ?? 'unknown',
      policy: r.policy ?? '',
    } as const;
    const id = groupId(key);
    const g = out.get(id) ?? {
      ...key,
      flows: null,
      packets: null,
      bytes: null,
      firstSeen: r.firstSeen,
      lastSeen: r.lastSeen,
      sources: [],
      sparkline: [0],
    };
    out.set(id, g);
    g.flows = addCount(g.flows, r.flows);
    g.packets = addCount(g.packets, r.packets);
    g.bytes = addCount(g.bytes, r.bytes);
    g.firstSeen = Math.min(g.firstSeen, r.firstSeen);
    g.lastSeen = Math.max(g.lastSeen, r.lastSeen);
    if (r.source && !g.sources.includes(r.source)) g.sources.push(r.source);
    g.sparkline[0] = (g.sparkline[0] ?? 0) + (r.flows ?? r.packets ?? 0);
  }
  return out;
}

beforeAll(async () => {
  store = openSqliteStore({ path: ':memory:', now: () => T0 });
  const rnd = seededRandom(7);
  const flows: Flow[] = [];
  // Eight days of denied traffic at irregular times: Hubble counts flows, the accountant
  // packets only; a few groups have both sources.
  for (let i = 0; i < 1500; i += 1) {
    const app = `app-${Math.floor(rnd() * 6)}`;
    const accountant = rnd() < 0.4;
    flows.push(
      makeFlow({
        time: T0 - Math.floor(rnd() * 8 * DAY),
        src: podEndpoint('shop', app, `${app}-1`),
        port: rnd() < 0.5 ? 5432 : 8080,
        source: accountant ? 'accountant' : 'hubble',
        flows: accountant ? null : 1,
        packets: accountant ? 1 + Math.floor(rnd() * 20) : null,
      }),
    );
  }
  await store.writeBatch({ id: 'd1', flows, source: 'hubble', receivedAt: T0 });
  deps = { store, demo: false, now: () => T0 };
});

afterAll(async () => {
  await store.close();
});

describe('denied groups from grouped SQL and time series', () => {
  const windows: [string, number, number][] = [
    ['1 h, not minute-aligned', T0 - HOUR - 17_123, T0 - 17_123],
    ['6 h', T0 - 6 * HOUR + 1234, T0 + 1234],
    ['24 h, not hour-aligned', T0 - DAY - 7 * MIN, T0 - 7 * MIN],
    ['7 d', T0 - 7 * DAY + 31 * MIN, T0 + 31 * MIN],
  ];
  it.each(windows)(
    'gives the same groups and sparkline sums as the old path: %s',
    async (_, from, to) => {
      const q = { from, to, limit: 5000 };
      const ref = await referenceGroups(q);
      const got = await getDeniedGroups(deps, q);
      expect(ref.size).toBeGreaterThan(5);
      expect(got.truncated).toBe(false);
      expect(got.groups).toHaveLength(ref.size);
      expect(got.sparkStep % (to - from <= 6 * HOUR ? MIN : HOUR)).toBe(0);
      for (const g of got.groups) {
        const r = ref.get(groupId(g));
        expect(r).toBeDefined();
        const { sparkline, sources, ...rest } = g;
        const { sparkline: refLine, sources: refSources, ...refRest } = r!;
        expect(rest).toEqual(refRest);
        expect([...sources].sort()).toEqual([...refSources].sort());
        expect(sparkline.reduce((a, b) => a + b, 0)).toBe(refLine[0]);
        expect(sparkline.every((v) => v >= 0)).toBe(true);
        expect(sparkline.length).toBeGreaterThanOrEqual(20);
        expect(sparkline.length).toBeLessThanOrEqual(26);
      }
      // Newest first, as before.
      const last = got.groups.map((g) => g.lastSeen);
      expect(last).toEqual([...last].sort((a, b) => b - a));
    },
  );

  // A week is read as two halves at once (denied-sparklines.ts); a day as one read.
  it.each([
    ['24 h', DAY],
    ['7 d', 7 * DAY],
  ])('puts each flow in the bin of its time: %s', async (_, span) => {
    const from = T0 - span;
    const got = await getDeniedGroups(deps, { from, to: T0, limit: 5000 });
    const step = got.sparkStep;
    const first = from - (from % step);
    for (const g of got.groups.slice(0, 3)) {
      const raw = await store.queryRollups({
        resolution: '1h',
        from,
        to: T0,
        verdict: ['denied'],
        port: g.port ?? undefined,
        groupBy: ['srcWorkload', 'port', 'source', 'bucket'],
        limit: ALL_ROWS,
      });
      const expected = g.sparkline.map(() => 0);
      for (const r of raw) {
        if (r.srcWorkload !== g.src.workload) continue;
        const i = Math.floor(((r.bucket ?? 0) - first) / step);
        expected[i] = (expected[i] ?? 0) + (r.flows ?? r.packets ?? 0);
      }
      expect(g.sparkline).toEqual(expected);
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Flow } from '../../domain/flow.js';
import { openSqliteStore, type SqliteFlowStore } from '../../store/sqlite/sqlite-store.js';
import { makeAllowedFlow, makeFlow, T0 } from '../../testing/flow-factory.js';
import { csvCell } from './csv.js';
import {
  exportFlows,
  getDeniedDetail,
  getDeniedGroups,
  getOverview,
  getTimeSeries,
} from './index.js';
import type { DashboardDeps } from './scope.js';

const MIN = 60_000;
let dir: string;
let store: SqliteFlowStore;
let deps: DashboardDeps;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netsec-dash-'));
  store = openSqliteStore({ path: join(dir, 'db.sqlite'), now: () => T0 });
  const flows: Flow[] = [];
  for (let i = 0; i < 10; i += 1) {
    flows.push(makeFlow({ time: T0 - i * MIN - 1000 }));
    flows.push(
      makeFlow({
        time: T0 - i * MIN - 2000,
        src: { namespace: 'batch', workload: { kind: 'CronJob', name: 'report' }, pod: 'report-1' },
        port: 5432,
      }),
    );
    flows.push(makeAllowedFlow({ time: T0 - i * MIN - 3000 }));
  }
  // History a day earlier, for the usual level.
  flows.push(makeAllowedFlow({ time: T0 - 86_400_000, bytes: 900 }));
  await store.writeBatch({ id: 'b1', flows, source: 'hubble', receivedAt: T0 });
  deps = { store, demo: false, now: () => T0 };
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const window = { from: T0 - 15 * MIN, to: T0 };

describe('dashboard services', () => {
  it('counts denied flows and distinct sources, and honours the access scope', async () => {
    const o = await getOverview(deps, window);
    expect(o.denied.flows).toBe(20);
    expect(o.denied.packets).toBeNull();
    expect(o.denied.distinctSources).toBe(2);
    expect(o.topDeniedSources.map((r) => r.label).sort()).toEqual([
      'batch/report',
      'shop/frontend',
    ]);
    expect(o.allowed.unit).toBe('bytes');
    expect(o.allowed.current).toBe(90_000);
    const none = await getOverview(deps, window, { namespaces: ['monitoring'] });
    expect(none.denied.flows).toBeNull();
    expect(none.denied.distinctSources).toBe(0);
  });

  it('groups denied traffic and opens a group with its exact raw events', async () => {
    const g = await getDeniedGroups(deps, { ...window, limit: 100 });
    expect(g.groups).toHaveLength(2);
    const report = g.groups.find((x) => x.src.workload === 'report');
    expect(report?.port).toBe(5432);
    expect(report?.flows).toBe(10);
    expect(report?.sparkline.reduce((a, b) => a + b, 0)).toBe(10);
    const d = await getDeniedDetail(deps, { ...window, group: report! });
    expect(d.events).toHaveLength(10);
    expect(d.events.every((e) => e.src.pod === 'report-1')).toBe(true);
    expect(d.explanation).toBeNull();
    expect(d.explanationNote).toMatch(/no cluster model/i);
  });

  it('chooses an honest unit: hubble reports flows, not packets', async () => {
    const ts = await getTimeSeries(deps, {
      ...window,
      verdict: 'denied',
      groupBy: 'workload',
      direction: 'ingress',
      metric: 'auto',
      rate: 'true',
      maxSeries: 12,
    });
    expect(ts.unit).toBe('flows');
    expect(ts.perSecond).toBe(true);
    expect(ts.series.map((s) => s.key).sort()).toEqual(['payments/api']);
    const total = ts.series[0]!.values.reduce((a: number, v) => a + (v ?? 0), 0) * (ts.step / 1000);
    expect(Math.round(total)).toBe(20);
    const packets = await getTimeSeries(deps, {
      ...window,
      verdict: 'denied',
      groupBy: 'namespace',
      direction: 'any',
      metric: 'packets',
      rate: 'false',
      maxSeries: 12,
    });
    expect(packets.unreportedBy).toContain('hubble');
  });

  it('says which step is still filling: the one that holds now, none in a window that ended', async () => {
    const q = {
      verdict: 'allowed',
      groupBy: 'namespace',
      direction: 'any',
      metric: 'auto',
      rate: 'false',
      maxSeries: 12,
    } as const;
    // Half a minute into the minute after T0's (T0 is on a whole minute).
    const at = (now: number): DashboardDeps => ({ ...deps, now: () => now });
    const live = await getTimeSeries(at(T0 + 30_000), {
      ...q,
      from: T0 - 14.5 * MIN,
      to: T0 + 30_000,
    });
    expect(live.times.at(-1)).toBe(T0);
    expect(live.openFrom).toBe(T0);
    const ended = await getTimeSeries(at(T0 + 30_000), { ...window, ...q });
    expect(ended.openFrom).toBeNull();
    // The last step ends exactly now: it has ended.
    const onEdge = await getTimeSeries(at(T0 + MIN), { ...q, from: T0 - 14 * MIN, to: T0 + MIN });
    expect(onEdge.openFrom).toBeNull();
  });

  it('draws both sides of an all-directions chart in one unit when their sources differ', async () => {
    // Egress denied by Goldmane (packets), ingress denied by Hubble (flows only): each side
    // alone would be drawn in its own unit; together they must share flows.
    const own = openSqliteStore({ path: join(dir, 'units.sqlite'), now: () => T0 });
    try {
      const denied = { verdict: 'denied', reason: 'no-policy-matched' } as const;
      await own.writeBatch({
        id: 'u1',
        source: 'goldmane',
        receivedAt: T0,
        flows: [
          makeAllowedFlow({ ...denied, time: T0 - 5 * MIN, direction: 'egress', policies: [] }),
          makeFlow({ time: T0 - 4 * MIN, direction: 'ingress' }),
        ],
      });
      const q = {
        ...window,
        verdict: 'denied',
        groupBy: 'namespace',
        metric: 'auto',
        rate: 'false',
        maxSeries: 12,
      } as const;
      const ownDeps = { store: own, demo: false, now: () => T0 };
      const egress = await getTimeSeries(ownDeps, { ...q, direction: 'egress' });
      expect(egress.unit).toBe('packets');
      expect(egress.series.reduce((n, s) => n + s.sum, 0)).toBe(42);
      const any = await getTimeSeries(ownDeps, { ...q, direction: 'any' });
      expect(any.unit).toBe('flows');
      expect(any.unreportedBy).toEqual([]);
      expect(any.series.reduce((n, s) => n + s.sum, 0)).toBe(3 + 1);
      const packets = await getTimeSeries(ownDeps, { ...q, direction: 'any', metric: 'packets' });
      expect(packets.unreportedBy).toEqual(['hubble']);
    } finally {
      await own.close();
    }
  });

  it('exports CSV with formula-injection-safe cells', async () => {
    let out = '';
    for await (const chunk of exportFlows(deps, { ...window, format: 'csv', limit: 5 }))
      out += chunk;
    const lines = out.trim().split('\r\n');
    expect(lines[0]).toMatch(/^time,cluster,verdict/);
    expect(lines).toHaveLength(6);
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(-3)).toBe('-3');
  });
});

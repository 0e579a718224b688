/**
 * The annual evaluation over 400 days of hourly rollups must complete in under 30 s. The
 * rollups are written through the store's group-commit batch API, a day per batch.
 */
import { describe, expect, it } from 'vitest';

import type { ReportData } from '../../api/report-schema.js';
import type { Flow } from '../../domain/flow.js';
import { DAY_MS, HOUR_MS } from '../../domain/time.js';
import type { IngestBatch } from '../../store/flow-store.js';
import { writeGroup } from '../../store/flow-store.js';
import { externalEndpoint, makeFlow } from '../../testing/flow-factory.js';
import { reportTestEnv } from '../../testing/report-fixtures.js';
import { getCompliance } from '../compliance/compliance-service.js';
import { issueReport } from './report-issue.js';

const NOW = Date.UTC(2027, 0, 10, 12);
const START = Date.UTC(2027, 0, 10) - 400 * DAY_MS;

function dayOfFlows(day: number): Flow[] {
  const out: Flow[] = [];
  for (let h = 0; h < 24; h += 1) {
    const time = day + h * HOUR_MS;
    out.push(makeFlow({ time, flows: 2, packets: 6 }));
    // Eight more keys an hour, so the year holds ~100k hourly rollup rows.
    for (let w = 0; w < 8; w += 1)
      out.push(
        makeFlow({
          time,
          verdict: 'allowed',
          reason: 'allowed-by-policy',
          src: { workload: { kind: 'Deployment', name: `client-${w}` } },
          port: 8000 + w,
          flows: 1,
          packets: 3,
          bytes: 100,
        }),
      );
    out.push(
      makeFlow({
        time,
        verdict: 'allowed',
        reason: 'allowed-by-policy',
        src: externalEndpoint('198.51.100.7'),
        flows: 5,
        packets: 50,
        bytes: 5000,
      }),
    );
  }
  return out;
}

describe('annual evaluation over 400 days of hourly rollups', () => {
  it('completes in under 30 s with the figures of the year', async () => {
    const env = await reportTestEnv({ now: NOW, tune: (c) => (c.ingest.allowedSampleRate = 0) });
    try {
      const t0 = performance.now();
      const batches: IngestBatch[] = [];
      for (let d = 0; d < 400; d += 1)
        batches.push({
          id: `day-${d}`,
          flows: dayOfFlows(START + d * DAY_MS),
          source: 'hubble',
          receivedAt: NOW,
        });
      for (let i = 0; i < batches.length; i += 50)
        await writeGroup(env.services.store, batches.slice(i, i + 50));
      const written = performance.now() - t0;
      const t1 = performance.now();
      const [doc] = await issueReport(env.ctx, {
        kind: 'annual',
        period: '2026',
        format: 'json',
        issuer: { name: 'alice', namespaces: null },
      });
      const [html] = await issueReport(env.ctx, {
        kind: 'annual',
        period: '2026',
        format: 'html',
        issuer: { name: 'alice', namespaces: null },
      });
      const elapsed = performance.now() - t1;
      console.log(
        `400 days (${batches.length * 24 * 10} flows) written in ${(written / 1000).toFixed(1)} s; ` +
          `annual report JSON + HTML in ${(elapsed / 1000).toFixed(2)} s`,
      );
      expect(elapsed).toBeLessThan(30_000);
      const data = JSON.parse(new TextDecoder().decode(doc!.content)) as ReportData;
      expect(data.totals.denied.flows).toBe(365 * 24 * 2);
      expect(data.totals.allowed.bytes).toBe(365 * 24 * (5000 + 8 * 100));
      const monthly = data.sections.find((s) => s.id === 'traffic-trends')?.tables[0];
      expect(monthly?.rows).toHaveLength(12);
      expect(monthly?.rows[1]?.[1]).toBe(28 * 24 * 2);
      expect(html!.content.byteLength).toBeGreaterThan(10_000);
      const c = await getCompliance(env.ctx, {});
      const retention = c.evidence.find((e) => e.kind === 'retention');
      expect(retention?.status).toBe('met');
      // The default window is the 365 days up to now; its last 12 hours hold no data.
      const completeness = c.evidence.find((e) => e.kind === 'completeness');
      const fig = (l: string): unknown => completeness?.figures.find((f) => f.label === l)?.value;
      expect(fig('hours in period (elapsed)')).toBe(365 * 24);
      expect(fig('hours with data')).toBe(365 * 24 - 12);
    } finally {
      await env.close();
    }
  }, 120_000);
});

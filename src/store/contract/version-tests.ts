/** Contract: the version table kept at ingest (first and last sighting per workload version). */
import { expect, it } from 'vitest';

import { MINUTE_MS } from '../../domain/time.js';
import { DEFAULT_RETENTION } from '../flow-store.js';
import { batchOf, type ContractContext } from './context.js';
import { externalEndpoint, makeAllowedFlow, makeFlow, podEndpoint, T0 } from './flow-fixtures.js';

const at = (min: number): number => T0 + min * MINUTE_MS;

/** A frontend pod (replica `suffix`) carrying a version label. */
function frontend(version: string, suffix = 'x2k8p', label = 'app.kubernetes.io/version') {
  return podEndpoint('shop', 'frontend', '10.244.1.17', {
    pod: `frontend-7d4b9c6f5-${suffix}`,
    labels: { app: 'frontend', [label]: version },
  });
}

export function registerVersionTests(ctx: ContractContext): void {
  it('keeps the first and last sighting of each workload version as flows come in', async () => {
    const store = ctx.store();
    await store.writeBatch(
      batchOf('v1', [
        makeFlow({ time: at(10), src: frontend('1.4.0') }),
        makeAllowedFlow({ time: at(20), src: frontend('1.4.0', 'q7wz2') }),
        // `version` counts too, on either side; external peers and unlabelled pods do not.
        makeFlow({
          time: at(12),
          src: externalEndpoint('203.0.113.9', 'world', { labels: { version: '9' } }),
          dst: podEndpoint('payments', 'api', '10.244.2.31', { labels: { version: '7' } }),
        }),
        makeFlow({ time: at(13) }),
      ]),
    );
    await store.writeBatch(
      batchOf('v2', [
        makeAllowedFlow({ time: at(30), src: frontend('1.5.0') }),
        // Late data moves the first sighting back.
        makeFlow({ time: at(5), src: frontend('1.4.0') }),
        makeFlow({ time: at(40), cluster: 'prod-us1', src: frontend('1.4.0') }),
      ]),
    );
    // A repeated batch adds nothing, even with other content.
    await store.writeBatch(batchOf('v2', [makeFlow({ time: at(50), src: frontend('1.5.0') })]));
    const all = await store.queryWorkloadVersions({ from: at(0), to: at(60) });
    expect(all).toEqual([
      {
        cluster: 'prod-eu1',
        workload: 'payments/api',
        version: '7',
        firstSeen: at(12),
        lastSeen: at(12),
      },
      {
        cluster: 'prod-eu1',
        workload: 'shop/frontend',
        version: '1.4.0',
        firstSeen: at(5),
        lastSeen: at(20),
      },
      {
        cluster: 'prod-eu1',
        workload: 'shop/frontend',
        version: '1.5.0',
        firstSeen: at(30),
        lastSeen: at(30),
      },
      {
        cluster: 'prod-us1',
        workload: 'shop/frontend',
        version: '1.4.0',
        firstSeen: at(40),
        lastSeen: at(40),
      },
    ]);
    // Sightings overlapping [from, to): last seen at or after `from`, first seen before `to`.
    const mid = await store.queryWorkloadVersions({ from: at(20), to: at(30) });
    expect(mid.map((v) => `${v.cluster} ${v.version}`)).toEqual(['prod-eu1 1.4.0']);
    expect(await store.queryWorkloadVersions({ from: at(41), to: at(60) })).toEqual([]);
  });

  it('accepts version labels that differ only in characters a database cannot hold', async () => {
    // PostgreSQL text cannot hold NUL (stored as U+FFFD): the two must not fail the batch.
    const store = ctx.store();
    const res = await store.writeBatch(
      batchOf('nul', [
        makeFlow({ time: at(1), src: frontend('1\u0000') }),
        makeFlow({ time: at(2), src: frontend('1\uFFFD') }),
      ]),
    );
    expect(res.duplicate).toBe(false);
    const rows = await store.queryWorkloadVersions({ from: at(0), to: at(10) });
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(Math.min(...rows.map((r) => r.firstSeen))).toBe(at(1));
    expect(Math.max(...rows.map((r) => r.lastSeen))).toBe(at(2));
  });

  it('drops versions last seen before the raw-event cutoff', async () => {
    const store = ctx.store();
    await store.writeBatch(
      batchOf('old', [
        makeFlow({ time: at(0), src: frontend('1.0.0') }),
        makeFlow({ time: at(10), src: frontend('1.1.0') }),
      ]),
    );
    const now = at(10) + DEFAULT_RETENTION.rawMs;
    await store.applyRetention(now, DEFAULT_RETENTION);
    const left = await store.queryWorkloadVersions({ from: 0, to: now });
    // Exactly at the cutoff stays, like raw events.
    expect(left.map((v) => v.version)).toEqual(['1.1.0']);
  });
}

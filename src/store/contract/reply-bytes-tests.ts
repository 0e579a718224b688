/** Contract: `queryReplyBytes`, the sums behind the amplification detector's byte ratio. */
import { expect, it } from 'vitest';

import type { Flow } from '../../domain/flow.js';
import { InvalidQueryError, type StoredFlow } from '../flow-store.js';
import { allFlows, batchOf, type ContractContext } from './context.js';
import {
  externalEndpoint,
  makeAllowedFlow,
  makeFlow,
  podEndpoint,
  seededRandom,
  T0,
} from './flow-fixtures.js';

const PORTS = [53, 123, 11211];

/** Whether the sums count this stored event (the query's definition, event by event). */
function counted(f: StoredFlow, window: { from: number; to: number }): boolean {
  return (
    f.verdict === 'allowed' &&
    f.time >= window.from &&
    f.time < window.to &&
    f.protocol === 'UDP' &&
    f.port !== null &&
    PORTS.includes(f.port) &&
    f.src.kind === 'external' &&
    f.dst.kind !== 'external' &&
    f.bytesToDst !== null &&
    f.bytesToSrc !== null
  );
}

/** 2,000 flows: most match, and each condition of the query fails for some of them. */
function traffic(): Flow[] {
  const rnd = seededRandom(11);
  const flows: Flow[] = [];
  for (let i = 0; i < 2_000; i++) {
    const variant = i % 7;
    const pod = i % 3 === 0 ? { workload: null, pod: `memcached-${i % 4}` } : {};
    flows.push(
      makeAllowedFlow({
        time: T0 + i * 1_000,
        protocol: variant === 5 ? 'TCP' : 'UDP',
        port: [53, 123, 11211, 8080][i % 4] ?? 53,
        src:
          variant === 4
            ? podEndpoint('shop', 'frontend', '10.244.1.17')
            : externalEndpoint(`203.0.113.${i % 50}`),
        dst:
          variant === 3
            ? externalEndpoint('198.51.100.7')
            : podEndpoint(
                i % 2 ? 'dns' : 'cache',
                i % 5 ? 'coredns' : 'memcached',
                '10.244.3.3',
                pod,
              ),
        bytesToDst: variant === 6 ? null : 100 + Math.floor(rnd() * 50),
        bytesToSrc: 1_000 + Math.floor(rnd() * 5_000),
      }),
    );
  }
  // Denied events are always kept: one that matches in every other way must not count.
  flows.push(
    makeFlow({
      time: T0 + 500_500,
      protocol: 'UDP',
      port: 53,
      src: externalEndpoint('203.0.113.200'),
      bytesToDst: 60,
      bytesToSrc: 4_000,
    }),
  );
  return flows;
}

export function registerReplyBytesTests(ctx: ContractContext): void {
  it('sums both directions per destination workload and port, as the stored events add up', async () => {
    const store = ctx.store();
    await store.writeBatch(batchOf('reply-bytes', traffic()));
    const window = { from: T0 + 100_000, to: T0 + 1_900_000 };
    const stored = await allFlows(store, {});
    const want = new Map<string, { toSrc: number; toDst: number }>();
    for (const f of stored) {
      if (!counted(f, window)) continue;
      const k = JSON.stringify([
        f.cluster,
        f.dst.namespace,
        f.dst.workload?.name ?? f.dst.pod,
        f.port,
      ]);
      const s = want.get(k) ?? { toSrc: 0, toDst: 0 };
      s.toSrc += f.bytesToSrc ?? 0;
      s.toDst += f.bytesToDst ?? 0;
      want.set(k, s);
    }
    const rows = await store.queryReplyBytes({ ...window, protocol: 'UDP', ports: PORTS });
    const got = new Map(
      rows.map((r) => [
        JSON.stringify([r.cluster, r.namespace, r.workload, r.port]),
        { toSrc: r.toSrc, toDst: r.toDst },
      ]),
    );
    expect(got).toEqual(want);
    // The data exercises the query: several groups (pods without a workload among them), and
    // stored events that fail exactly one of its conditions.
    expect(want.size).toBeGreaterThanOrEqual(8);
    expect(rows.some((r) => r.workload?.startsWith('memcached-'))).toBe(true);
    const near = stored.filter((f) => !counted(f, window));
    expect(near.some((f) => f.verdict === 'denied')).toBe(true);
    expect(near.some((f) => f.protocol === 'TCP')).toBe(true);
    expect(near.some((f) => f.src.kind !== 'external')).toBe(true);
    expect(near.some((f) => f.dst.kind === 'external')).toBe(true);
    expect(near.some((f) => f.bytesToDst === null)).toBe(true);
    expect(near.some((f) => f.port === 8080)).toBe(true);
    expect(near.some((f) => f.time < window.from || f.time >= window.to)).toBe(true);
  });

  it('answers nothing for no ports, and refuses a port that is not one', async () => {
    const store = ctx.store();
    await store.writeBatch(batchOf('reply-bytes-2', traffic()));
    const window = { from: T0, to: T0 + 3_000_000 };
    expect(await store.queryReplyBytes({ ...window, protocol: 'UDP', ports: [] })).toEqual([]);
    await expect(
      store.queryReplyBytes({ ...window, protocol: 'UDP', ports: [53, 70_000] }),
    ).rejects.toThrow(InvalidQueryError);
    await expect(
      store.queryReplyBytes({ ...window, protocol: 'UDP', ports: [53, 70_000] }),
    ).rejects.toThrow(/ports: 70000 is not a port/);
  });
}

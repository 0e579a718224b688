import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openTestStores, type TestStores } from '../testing/alerting-fixtures.js';
import { makeAllowedFlow, makeFlow, podEndpoint } from '../testing/flow-factory.js';
import { OTHER, TrafficMetrics } from './traffic-metrics.js';

const M = 60_000;
const NOW = Date.UTC(2026, 0, 5, 9, 30, 0);

/** `metric{labels} value` lines of one metric, labels in the exposition's order. */
async function lines(registry: Registry, name: string): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((l) => l.startsWith(`${name}{`));
}

describe('TrafficMetrics', () => {
  let stores: TestStores;
  let registry: Registry;
  beforeEach(async () => {
    stores = await openTestStores();
    registry = new Registry();
  });
  afterEach(() => stores.close());

  it('counts each rollup once across refreshes, and adds late data inside the look-back', async () => {
    const traffic = new TrafficMetrics(stores.store, registry, { now: () => NOW });
    await stores.store.writeBatch({
      id: 'a',
      flows: [makeAllowedFlow({ time: NOW - 5 * M })],
      source: 'goldmane',
      receivedAt: NOW,
    });
    await traffic.refresh();
    await traffic.refresh();
    const ingress = (await lines(registry, 'netsec_traffic_packets_total')).filter((l) =>
      l.includes('direction="ingress"'),
    );
    expect(ingress).toEqual([
      'netsec_traffic_packets_total{cluster="prod-eu1",namespace="payments",workload="api",direction="ingress",verdict="allowed",policy="payments/allow-frontend"} 42',
    ]);
    // Late data for the same minute, and a flow older than the look-back (not counted).
    await stores.store.writeBatch({
      id: 'b',
      flows: [makeAllowedFlow({ time: NOW - 5 * M }), makeAllowedFlow({ time: NOW - 60 * M })],
      source: 'goldmane',
      receivedAt: NOW,
    });
    await traffic.refresh();
    expect((await lines(registry, 'netsec_traffic_packets_total')).join('\n')).toContain(
      'verdict="allowed",policy="payments/allow-frontend"} 84',
    );
  });

  it('keeps packets and bytes out when the source does not report them (Hubble)', async () => {
    const traffic = new TrafficMetrics(stores.store, registry, { now: () => NOW });
    await stores.store.writeBatch({
      id: 'h',
      flows: [makeFlow({ time: NOW - M })],
      source: 'hubble',
      receivedAt: NOW,
    });
    await traffic.refresh();
    expect(await lines(registry, 'netsec_traffic_flows_total')).toHaveLength(1);
    expect(await lines(registry, 'netsec_traffic_packets_total')).toHaveLength(0);
    expect(await lines(registry, 'netsec_traffic_denied_peer_flows_total')).toEqual([
      'netsec_traffic_denied_peer_flows_total{cluster="prod-eu1",namespace="payments",workload="api",direction="ingress",peer="shop/frontend"} 1',
    ]);
  });

  it('bounds the workloads: the busiest keep their names, the rest are "other"', async () => {
    const traffic = new TrafficMetrics(stores.store, registry, { now: () => NOW, maxWorkloads: 2 });
    const flows = ['a', 'b', 'c', 'd'].map((w, i) =>
      makeAllowedFlow({
        time: NOW - M,
        dst: podEndpoint('payments', `svc-${w}`, `10.0.0.${i + 1}`),
        flows: 10 - i,
      }),
    );
    await stores.store.writeBatch({ id: 'w', flows, source: 'goldmane', receivedAt: NOW });
    await traffic.refresh();
    const workloads = (await lines(registry, 'netsec_traffic_flows_total'))
      .filter((l) => l.includes('direction="ingress"'))
      .map((l) => /workload="([^"]*)"/.exec(l)?.[1]);
    expect(workloads.sort()).toEqual([OTHER, 'svc-a', 'svc-b']);
    const other = (await lines(registry, 'netsec_traffic_flows_total')).find((l) =>
      l.includes(`workload="${OTHER}"`),
    );
    expect(other?.endsWith(' 15')).toBe(true); // 8 + 7
  });
});

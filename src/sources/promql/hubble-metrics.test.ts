import { describe, expect, it } from 'vitest';

import { hubbleMetricsToFlows } from './hubble-metrics.js';

const STEP = 60_000;
const series = (metric: Record<string, string>, values: number[]) => ({
  metric,
  values: values.map((v, i) => [(1_000_000 + i * 60) as number, String(v)] as [number, string]),
});

describe('Hubble metrics to flows', () => {
  it('reads endpoints by the shape of the context label', () => {
    const flows = hubbleMetricsToFlows(
      [
        series(
          {
            __name__: 'hubble_drop_total',
            reason: 'STALE_OR_UNROUTABLE_IP',
            protocol: 'UDP',
            source: '10.1.2.3',
            destination: 'reserved:world',
          },
          [1, 3],
        ),
        series(
          {
            __name__: 'hubble_drop_total',
            reason: 'POLICY_DENY',
            protocol: 'ICMPv4',
            source: 'shop',
            destination: 'reserved:host',
          },
          [0, 1],
        ),
      ],
      { cluster: 'c', stepMs: STEP },
    );
    expect(flows).toHaveLength(2);
    expect(flows[0]).toMatchObject({
      reason: 'non-policy-drop',
      protocol: 'UDP',
      flows: 2,
      src: { kind: 'unknown', ip: '10.1.2.3' },
      dst: { kind: 'external', externalGroup: 'world' },
      time: 1_000_060_000 - STEP,
    });
    expect(flows[1]).toMatchObject({
      reason: 'explicit-deny',
      protocol: 'ICMP',
      src: { kind: 'pod', namespace: 'shop', pod: null },
      dst: { kind: 'host' },
    });
  });

  it('follows a configured context and skips zero increases and dropped verdicts', () => {
    const flows = hubbleMetricsToFlows(
      [
        series(
          {
            __name__: 'hubble_policy_verdicts_total',
            action: 'forwarded',
            direction: 'egress',
            source: 'web',
          },
          [5, 5, 9],
        ),
        series(
          { __name__: 'hubble_policy_verdicts_total', action: 'dropped', direction: 'egress' },
          [0, 4],
        ),
      ],
      { cluster: 'c', stepMs: STEP, sourceContext: 'workload-name' },
    );
    expect(flows).toEqual([
      expect.objectContaining({
        verdict: 'allowed',
        direction: 'egress',
        flows: 4,
        src: expect.objectContaining({
          workload: { kind: 'unknown', name: 'web' },
          namespace: null,
        }),
      }),
    ]);
  });
});

// The dashboard's own NetworkPolicy, rendered from the chart (by real Helm and by our subset
// renderer), loaded through our manifest loader beside a fixture cluster, and checked by our
// policy engine: every intended connection is allowed and nothing else is, over every fixture
// pod, outside addresses and a set of ports.
import { beforeAll, describe, expect, it } from 'vitest';

import {
  allowedEgress,
  allowedIngress,
  DASHBOARD,
  type LoadedRendering,
  loadRendering,
  RENDERERS,
  SCENARIOS,
} from './scenarios.js';

const INGRESS_CONTROLLER = 'ingress-nginx/ingress-nginx-controller-7c9f TCP/8080';
const PROMETHEUS = 'monitoring/prometheus-k8s-0 TCP/8080';
const DNS = ['kube-system/coredns-5d78 TCP/53', 'kube-system/coredns-5d78 UDP/53'];

/** Exactly what each scenario intends, in both directions. */
const EXPECTED: Record<string, { ingress: string[]; egress: string[] }> = {
  'default values': {
    ingress: [INGRESS_CONTROLLER, PROMETHEUS],
    egress: DNS,
  },
  'Cilium: Hubble Relay, live model, ingress': {
    ingress: [INGRESS_CONTROLLER, PROMETHEUS],
    egress: [
      ...DNS,
      '172.20.0.10 TCP/443',
      '172.20.0.10 TCP/6443',
      'kube-system/hubble-relay-6d4f TCP/4245',
      'monitoring/alertmanager-main-0 TCP/9093',
      'monitoring/prometheus-k8s-0 TCP/9090',
    ],
  },
  'Calico: Goldmane, PostgreSQL, replicas': {
    ingress: [INGRESS_CONTROLLER, PROMETHEUS, 'shop/netsec-collector-0 TCP/8080'],
    egress: [
      ...DNS,
      '172.20.0.10 TCP/6443',
      '172.20.0.11 TCP/6443',
      'calico-system/goldmane-7f5c TCP/7443',
      'databases/postgres-0 TCP/5432',
      // The webhook receiver: the internet on 443, private ranges excepted.
      '1.1.1.1 TCP/443',
    ],
  },
};

const CASES = RENDERERS.flatMap((renderer) =>
  SCENARIOS.map((scenario) => ({ renderer, scenario })),
);

describe.each(CASES)('dashboard NetworkPolicy, $scenario.name, rendered by $renderer', (c) => {
  const { scenario } = c;
  let r: LoadedRendering;
  beforeAll(async () => {
    r = await loadRendering(scenario, c.renderer);
  });

  it('loads through the manifest loader without errors, with the dashboard pod', () => {
    expect(r.errors).toEqual([]);
    const pod = r.model.pods.find((p) => `${p.namespace}/${p.name}` === DASHBOARD);
    expect(pod?.workload).toEqual({ kind: 'Deployment', namespace: 'netsec', name: 'netsec' });
    expect(pod?.ports.map((p) => p.port)).toEqual([8080]);
  });

  it('lets in exactly the intended peers', () => {
    expect(allowedIngress(r.model)).toEqual([...EXPECTED[scenario.name]!.ingress].sort());
  });

  it('lets the dashboard out to exactly the intended peers', () => {
    expect(allowedEgress(r.model)).toEqual([...EXPECTED[scenario.name]!.egress].sort());
  });
});

describe.each(RENDERERS)('dashboard NetworkPolicy, switched off, rendered by %s', (renderer) => {
  it('renders no NetworkPolicy, so the engine sees the dashboard unisolated', async () => {
    const r = await loadRendering(
      { name: 'off', files: [], values: [{ networkPolicy: { enabled: false } }] },
      renderer,
    );
    expect(r.objects.some((o) => o.kind === 'NetworkPolicy')).toBe(false);
    expect(allowedIngress(r.model)).toContain('shop/web-5c4b TCP/8080');
  });
});

import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';

import { type FakeKubeApi, startFakeKubeApi } from '../../testing/fake-kube-api.js';
import { KubernetesWatcher } from './kube-watch.js';

const NS = '/api/v1/namespaces';
const PODS = '/api/v1/pods';
const NETPOL = '/apis/networking.k8s.io/v1/networkpolicies';

function kubeConfigFor(server: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, skipTLSVerify: true }],
    users: [{ name: 'none' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'none' }],
    currentContext: 'fake',
  });
  return kc;
}

const pod = (
  name: string,
  ip: string,
  labels: Record<string, string>,
): Record<string, unknown> => ({
  metadata: { name, namespace: 'shop', labels },
  spec: { containers: [{ name: 'c', image: 'x' }] },
  status: { podIP: ip },
});
const policy = (name: string, spec: Record<string, unknown>): Record<string, unknown> => ({
  metadata: { name, namespace: 'shop' },
  spec: { podSelector: {}, policyTypes: ['Ingress'], ...spec },
});

async function until(pred: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let api: FakeKubeApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

describe('Kubernetes list/watch', () => {
  it('keeps the model live, relists after 410 Gone and journals policy changes', async () => {
    api = await startFakeKubeApi();
    api.apply(NS, { metadata: { name: 'shop', labels: { team: 'a' } } });
    api.apply(PODS, pod('web-1', '10.0.0.5', { app: 'web' }));
    api.apply(NETPOL, policy('deny-all', {}));
    let now = 1_000;
    const w = new KubernetesWatcher(kubeConfigFor(api.url), {
      now: () => now,
      backoff: { initialMs: 5, maxMs: 50 },
    });
    const ac = new AbortController();
    const run = w.start(ac.signal);
    await until(() => w.ready && w.model().model.pods.length === 1);
    expect(w.model().model.policies.map((p) => p.name)).toEqual(['deny-all']);
    expect(w.policyChanges()).toEqual([]); // the initial state is not a change

    now = 2_000;
    api.apply(NETPOL, policy('allow-web', { ingress: [{ from: [{ podSelector: {} }] }] }));
    await until(() => w.policyChanges().length === 1);
    expect(w.policyChanges()[0]).toMatchObject({ time: 2_000, type: 'added', name: 'allow-web' });
    expect(w.model().model.policies).toHaveLength(2);

    // The watch breaks; meanwhile a policy goes away, a pod comes, and history is compacted.
    api.refuseWatches = true;
    api.dropWatches();
    now = 3_000;
    api.remove(NETPOL, 'shop', 'deny-all');
    api.apply(PODS, pod('web-2', '10.0.0.6', { app: 'web' }));
    api.compact();
    const lists = api.listRequests.length;
    api.refuseWatches = false;
    await until(() => w.model().model.pods.length === 2 && w.model().model.policies.length === 1);
    expect(api.listRequests.length).toBeGreaterThan(lists); // relisted after 410
    expect(w.policyChanges(3_000)).toEqual([
      expect.objectContaining({ type: 'deleted', name: 'deny-all', time: 3_000 }),
    ]);
    const h = w.health();
    expect(h.errors).toBeGreaterThan(0);
    expect(h.kind).toBe('kubernetes');
    ac.abort();
    await run;
    expect(w.health().state).toBe('stopped');
  });
});

import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';

import { type FakeKubeApi, startFakeKubeApi } from '../../testing/fake-kube-api.js';
import { LiveCluster } from './live-cluster.js';
import { ModelHolder } from './model-holder.js';

let api: FakeKubeApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

async function until(pred: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('LiveCluster', () => {
  it('rebuilds the model once for a burst of changes, not per event', async () => {
    api = await startFakeKubeApi();
    api.apply('/api/v1/namespaces', { metadata: { name: 'shop' } });
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: api.url, skipTLSVerify: true }],
      users: [{ name: 'none' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'none' }],
      currentContext: 'fake',
    });
    const holder = new ModelHolder();
    const live = new LiveCluster({
      kubeConfig: kc,
      cluster: 'c',
      holder,
      journal: null,
      debounceMs: 150,
    });
    live.start();
    try {
      await until(() => holder.get() !== null);
      const first = holder.generation;
      for (let i = 0; i < 40; i++) {
        api.apply('/api/v1/pods', {
          metadata: { name: `p${i}`, namespace: 'shop', labels: { app: 'x' } },
          spec: { containers: [{ name: 'c', image: 'x' }] },
          status: { podIP: `10.0.1.${i + 1}` },
        });
      }
      await until(() => holder.get()?.pods.length === 40);
      expect(holder.generation - first).toBeLessThanOrEqual(2);
    } finally {
      await live.stop();
    }
  });
});

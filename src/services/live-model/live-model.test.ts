import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { CONFIG_DEFAULTS } from '../../api/config-schema.js';
import { type RunningServer, startServer } from '../../http/server.js';
import { testSession } from '../../testing/auth-session.js';
import { type FakeKubeApi, startFakeKubeApi } from '../../testing/fake-kube-api.js';
import { policyChangeStoreFor } from './policy-change-store-for.js';

const NS = '/api/v1/namespaces';
const PODS = '/api/v1/pods';
const NETPOL = '/apis/networking.k8s.io/v1/networkpolicies';

const dir = mkdtempSync(join(tmpdir(), 'netsec-live-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pod = (name: string, ip: string, app: string): Record<string, unknown> => ({
  metadata: { name, namespace: 'shop', labels: { app } },
  spec: { containers: [{ name: 'c', image: 'x' }] },
  status: { podIP: ip },
});
const denyWeb = {
  metadata: { name: 'web-ingress', namespace: 'shop' },
  spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
};
const allowApi = {
  ...denyWeb,
  spec: {
    ...denyWeb.spec,
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 80 }] }],
  },
};

function hubbleLine(srcIp: string, t: string): string {
  return JSON.stringify({
    flow: {
      time: t,
      verdict: 'DROPPED',
      drop_reason_desc: 'POLICY_DENIED',
      event_type: { type: 1, sub_type: 133 },
      IP: { source: srcIp, destination: '198.51.100.9', ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 40000, destination_port: 443 } },
      traffic_direction: 'EGRESS',
    },
  });
}

async function until(pred: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let api: FakeKubeApi | null = null;
let server: RunningServer | null = null;
afterEach(async () => {
  await server?.close();
  await api?.close();
  server = null;
  api = null;
});

async function start(name: string): Promise<RunningServer> {
  api = await startFakeKubeApi();
  api.apply(NS, { metadata: { name: 'shop', labels: { team: 'a' } } });
  api.apply(PODS, pod('web-1', '10.0.0.5', 'web'));
  api.apply(PODS, pod('api-1', '10.0.0.6', 'api'));
  api.apply(NETPOL, denyWeb);
  const kubeconfig = join(dir, `${name}.kubeconfig`);
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{ name: fake, cluster: { server: '${api.url}', insecure-skip-tls-verify: true } }]`,
      'users: [{ name: none, user: {} }]',
      'contexts: [{ name: fake, context: { cluster: fake, user: none } }]',
      'current-context: fake',
    ].join('\n'),
  );
  const config = structuredClone(CONFIG_DEFAULTS);
  config.store.path = join(dir, `${name}.db`);
  config.server.port = 0;
  config.log.level = 'silent';
  config.kubernetes = { kubeconfig, debounceMs: 50, cluster: 'prod' };
  return startServer(config, { handleSignals: false, announceAdmin: false });
}

describe('live cluster model in the server', () => {
  it('enriches flows from a pod that appeared, and the policy test follows a policy change', async () => {
    const s = (server = await start('a'));
    const gov = s.services.governance;
    await until(() => (gov.model()?.pods.length ?? 0) === 2);

    const ingest = async (ip: string, t: string, cluster = 'prod'): Promise<void> => {
      await s.services.ingest.ingestLines([[hubbleLine(ip, t)]], {
        format: 'hubble',
        cluster,
        namedCidrs: [],
      });
    };
    await ingest('10.0.0.7', '2026-03-01T10:00:00Z');
    api?.apply(PODS, pod('worker-1', '10.0.0.7', 'worker'));
    await until(() => (gov.model()?.pods.length ?? 0) === 3);
    await ingest('10.0.0.7', '2026-03-01T10:01:00Z');
    // Another cluster's flow from the same IP: the watched cluster's model does not apply.
    await ingest('10.0.0.7', '2026-03-01T10:02:00Z', 'other');
    const flows = (await s.services.store.queryFlows({}, { limit: 10 })).flows.sort(
      (a, b) => a.time - b.time,
    );
    expect(flows.map((f) => f.src.pod ?? null)).toEqual([null, 'worker-1', null]);

    const admin = await testSession(s.services.auth, 'admin');
    const probe = async (): Promise<boolean> => {
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/v1/dashboard/policies/test',
        headers: admin.headers,
        payload: { from: 'shop/api-1', to: 'shop/web-1', protocol: 'TCP', port: 80 },
      });
      expect(r.statusCode).toBe(200);
      return (r.json() as { explanation: { allowed: boolean } }).explanation.allowed;
    };
    expect(await probe()).toBe(false);
    api?.apply(NETPOL, allowApi);
    await until(probe);

    // The journal has the change, with a diff summary, and the API serves it.
    const journal = policyChangeStoreFor(s.services.store);
    await until(async () =>
      (await journal.listPolicyChanges({ kind: ['NetworkPolicy'] })).some(
        (c) => c.type === 'modified',
      ),
    );
    const changes = await journal.listPolicyChanges({ kind: ['NetworkPolicy'] });
    expect(changes[0]).toMatchObject({
      cluster: 'prod',
      type: 'modified',
      seenBy: 'watch',
      namespace: 'shop',
      name: 'web-ingress',
      summary: 'modified: ingress rules 0 → 1',
    });
    // First start: the baseline was journaled as `startup` additions.
    expect(changes.at(-1)).toMatchObject({ type: 'added', seenBy: 'startup' });
    const r = await s.app.inject({
      url: '/api/v1/policy-changes?namespace=shop&kind=NetworkPolicy',
      headers: admin.headers,
    });
    expect(r.json()).toMatchObject({
      watching: true,
      changes: [{ type: 'modified' }, { type: 'added' }],
    });

    const dev = await testSession(s.services.auth, 'developer', ['elsewhere']);
    const scoped = await s.app.inject({ url: '/api/v1/policy-changes', headers: dev.headers });
    expect(scoped.json()).toMatchObject({ changes: [] });

    const sources = await s.app.inject({ url: '/api/v1/sources', headers: admin.headers });
    const body = sources.json() as { sources: { kind: string; health: string }[] };
    expect(body.sources).toContainEqual(
      expect.objectContaining({ kind: 'kubernetes', health: 'healthy' }),
    );
    expect(body.sources).toContainEqual(
      expect.objectContaining({ kind: 'ingest', name: 'ingest:hubble' }),
    );
    const metrics = await s.app.inject({ url: '/metrics', headers: admin.headers });
    expect(metrics.body).toMatch(
      /netsec_source_up\{source="kubernetes:http:\/\/127\.0\.0\.1:\d+",kind="kubernetes"\} 1/,
    );
  });

  it('journals what changed while the server was down when it starts again', async () => {
    let s = (server = await start('b'));
    const journal = (): ReturnType<typeof policyChangeStoreFor> =>
      policyChangeStoreFor(s.services.store);
    await until(async () => (await journal().listPolicyChanges()).length >= 2);
    const config = s.services.governance.config;
    await s.close();
    api?.apply(NETPOL, allowApi);
    api?.apply(NS, { metadata: { name: 'shop', labels: { team: 'b' } } });
    s = server = await startServer(config, { handleSignals: false, announceAdmin: false });
    await until(async () => (await journal().listPolicyChanges({ from: 0 })).length >= 4);
    const got = await journal().listPolicyChanges({ from: 0 });
    expect(
      got
        .filter((c) => c.type === 'modified')
        .map((c) => [c.kind, c.seenBy, c.summary])
        .sort(),
    ).toEqual([
      ['Namespace', 'startup', 'labels ~team: a → b'],
      ['NetworkPolicy', 'startup', 'modified: ingress rules 0 → 1'],
    ]);
  });
});

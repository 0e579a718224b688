import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildClusterModel } from '../../domain/netpol/index.js';
import { buildTestApp, type TestApp } from '../../testing/auth-app.js';
import { type FakeKubeApi, startFakeKubeApi } from '../../testing/fake-kube-api.js';
import { makeFlow, podEndpoint } from '../../testing/flow-factory.js';
import type { GovernanceContext } from '../governance-context.js';
import { previewNotify, sendNotify } from './incident-notify.js';
import { applyQuarantine, planQuarantine } from './incident-quarantine.js';
import {
  addComment,
  createIncident,
  getIncidentView,
  listIncidents,
  patchIncident,
} from './incident-service.js';
import {
  deniedFlow,
  findingFixture,
  incidentModel,
  T,
  writeKubeconfig,
} from './incident-test-fixtures.js';
import { listOwners } from './owners-service.js';

const alice = { name: 'alice', ip: '127.0.0.1' };
let t: TestApp;
let ctx: GovernanceContext;
let kube: FakeKubeApi;
const received: { path: string; body: Record<string, unknown> }[] = [];
let receiver: ReturnType<typeof createServer>;
let receiverUrl = '';

beforeAll(async () => {
  receiver = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
      });
      res.writeHead(req.url === '/broken' ? 500 : 200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  kube = await startFakeKubeApi();
  t = await buildTestApp({
    now: T,
    tune: (c) => {
      c.incidents = {
        notify: {
          webhooks: [{ name: 'sec-slack', url: `${receiverUrl}/slack`, format: 'slack' }],
          externalUrl: 'https://netsec.example',
        },
        owners: {
          namespaces: {
            shop: { webhook: `${receiverUrl}/shop-hook`, email: ['dev@shop.example'] },
          },
        },
      };
    },
  });
  ctx = { ...t.services.governance, now: () => T, model: () => incidentModel() };
  await ctx.findings.upsertFindings([findingFixture()]);
});

afterAll(async () => {
  await t.close();
  await kube.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

async function auditActions(): Promise<string[]> {
  const rows = await ctx.audit.query({});
  return rows.map((r) => r.action);
}

describe('incident service', () => {
  it('creates from a finding with derived fields, and audits it', async () => {
    const d = await createIncident(
      ctx,
      { findingIds: ['f-scan'], note: 'looks like a scan' },
      alice,
    );
    expect(d.incident).toMatchObject({
      cluster: 'c1',
      severity: 'high',
      kind: 'attack',
      status: 'open',
      detectedAt: T - 30 * 60_000,
      namespaces: ['payments', 'shop'],
      createdBy: 'alice',
    });
    expect(d.timeline.map((e) => e.kind)).toEqual(['created', 'comment']);
    expect(await auditActions()).toContain('incident.create');
    await expect(createIncident(ctx, { findingIds: ['nope'] }, alice)).rejects.toThrow(
      /unknown finding/,
    );
  });

  it('scopes reads to the caller namespaces and recommends quarantine for a scan', async () => {
    const d = await createIncident(ctx, { flow: deniedFlow }, alice);
    expect(d.incident).toMatchObject({
      kind: 'other',
      severity: 'medium',
      detectedAt: deniedFlow.time,
    });
    expect((await listIncidents(ctx, {}, ['elsewhere'])).incidents).toEqual([]);
    expect((await listIncidents(ctx, {}, ['shop'])).incidents.length).toBeGreaterThanOrEqual(1);
    await expect(getIncidentView(ctx, d.incident.id, ['elsewhere'])).rejects.toThrow(
      /no such incident/,
    );
    const [scan] = (await listIncidents(ctx, { findingId: 'f-scan' }, undefined)).incidents;
    const v = await getIncidentView(ctx, scan!.id, undefined);
    expect(v.escalation).toMatchObject({
      action: 'quarantine',
      ongoing: true,
      elapsedMs: 30 * 60_000,
    });
    expect(v.workload).toBe('shop/Deployment/web');
    expect(v.findings[0]?.id).toBe('f-scan');
  });

  it('walks the status through contain, resolve and close, refusing what the rules forbid', async () => {
    const { incident } = await createIncident(ctx, { findingIds: ['f-scan'] }, alice);
    await patchIncident(ctx, incident.id, { status: 'investigating', assignee: 'bob' }, alice);
    const c = await patchIncident(ctx, incident.id, { status: 'contained' }, alice);
    expect(c.incident).toMatchObject({ status: 'contained', containedAt: T, assignee: 'bob' });
    await expect(patchIncident(ctx, incident.id, { status: 'resolved' }, alice)).rejects.toThrow(
      /needs an outcome/,
    );
    await patchIncident(
      ctx,
      incident.id,
      { status: 'resolved', outcome: 'attack-contained', resolution: 'rotated keys' },
      alice,
    );
    const closed = await patchIncident(ctx, incident.id, { status: 'closed' }, alice);
    expect(closed.incident).toMatchObject({
      status: 'closed',
      outcome: 'attack-contained',
      resolution: 'rotated keys',
    });
    expect(closed.transitions).toEqual(['investigating']);
    const commented = await addComment(ctx, incident.id, 'post-mortem done', alice);
    expect(commented.timeline.map((e) => e.kind)).toEqual([
      'created',
      'status',
      'assign',
      'status',
      'status',
      'status',
      'comment',
    ]);
    expect(await auditActions()).toEqual(
      expect.arrayContaining(['incident.update', 'incident.comment']),
    );
  });

  it('lists owners from namespace labels merged with configuration', () => {
    expect(listOwners(ctx)).toEqual([
      expect.objectContaining({
        namespace: 'shop',
        team: 'shop-team',
        email: ['dev@shop.example'],
        source: 'cluster+config',
      }),
    ]);
    expect(listOwners(ctx, ['payments'])).toEqual([]);
  });

  it('explains and fixes the connections behind a finding when no flow is linked', async () => {
    await ctx.store.writeBatch({
      id: 'finding-evidence',
      source: 'hubble',
      receivedAt: T,
      flows: [
        makeFlow({
          time: T - 20 * 60_000,
          cluster: 'c1',
          src: podEndpoint('shop', 'web', '10.0.0.5'),
          dst: podEndpoint('payments', 'api', '10.0.0.9'),
          port: 5432,
        }),
      ],
    });
    const { incident } = await createIncident(ctx, { findingIds: ['f-scan'] }, alice);
    const p = await previewNotify(ctx, incident.id);
    expect(p.markdown).toContain('Denied at ingress');
    expect(p.markdown).toContain('Suggested NetworkPolicy change');
  });

  it('reads contacts from namespace annotations in the cluster model', () => {
    const { model } = buildClusterModel({
      namespaces: [
        {
          name: 'payments',
          labels: { 'netsec.io/owner': 'payments-team' },
          annotations: { 'netsec.io/contact': 'pay@example.org', 'netsec.io/slack': '#pay' },
        },
      ],
    });
    expect(listOwners({ ...ctx, model: () => model }, ['payments'])).toEqual([
      expect.objectContaining({
        namespace: 'payments',
        team: 'payments-team',
        email: ['pay@example.org'],
        slack: '#pay',
        source: 'cluster',
      }),
    ]);
  });

  it('previews and sends the notification to a real receiver, escaped, with the fix and its blast radius', async () => {
    const { incident } = await createIncident(
      ctx,
      { flow: deniedFlow, findingIds: ['f-scan'], title: 'Denied <!here> db access' },
      alice,
    );
    const p = await previewNotify(ctx, incident.id);
    expect(p.targets.map((x) => x.name)).toEqual(['sec-slack', 'owner:shop']);
    expect(p.targets[0]?.host).toBe(new URL(receiverUrl).host);
    expect(p.markdown).toContain('Suggested NetworkPolicy change');
    expect(p.markdown).toContain('Denied at ingress');
    received.length = 0;
    const r = await sendNotify(ctx, incident.id, { note: 'please fix' }, alice);
    expect(r.sent.map((s) => s.ok)).toEqual([true, true]);
    const slack = received.find((x) => x.path === '/slack')?.body;
    expect(String(slack?.['text'])).toContain('&lt;!here&gt;');
    expect(String(slack?.['text'])).not.toContain('<!here>');
    expect(String(slack?.['text'])).not.toContain('<!channel>');
    const json = received.find((x) => x.path === '/shop-hook')?.body;
    expect(json?.['kind']).toBe('netsec.incident.notify');
    expect(JSON.stringify(json?.['flows'])).toContain('NetworkPolicy');
    expect(String(json?.['url'])).toBe(`https://netsec.example/incidents/${incident.id}`);
    const v = await getIncidentView(ctx, incident.id, undefined);
    expect(v.timeline.at(-1)).toMatchObject({
      kind: 'notify',
      text: 'Developers notified through 2 of 2 webhook(s)',
    });
    const copied = await sendNotify(ctx, incident.id, { send: false }, alice);
    expect(copied.sent).toEqual([]);
    expect(await auditActions()).toContain('incident.notify');
  });

  it('sends to webhooks read from namespace annotations only when configured to', async () => {
    const model = incidentModel();
    const payments = model.namespaces.get('payments') as unknown as {
      annotations?: Record<string, string>;
    };
    payments.annotations = { 'netsec.io/webhook': `${receiverUrl}/annotated` };
    const annotated: GovernanceContext = { ...ctx, model: () => model };
    const { incident } = await createIncident(annotated, { flow: deniedFlow }, alice);
    const names = async (c: GovernanceContext): Promise<string[]> =>
      (await previewNotify(c, incident.id)).targets.map((x) => x.name);
    expect(await names(annotated)).toEqual(['sec-slack', 'owner:shop']);
    const incidents = {
      ...annotated.config.incidents,
      notify: { ...annotated.config.incidents?.notify, clusterWebhooks: true },
    };
    const trusting: GovernanceContext = {
      ...annotated,
      config: { ...annotated.config, incidents },
    };
    expect(await names(trusting)).toEqual(['sec-slack', 'owner:payments', 'owner:shop']);
  });

  it('plans a quarantine, refuses to apply without a cluster API, then applies and lifts it on the fake API', async () => {
    const { incident } = await createIncident(ctx, { findingIds: ['f-scan'] }, alice);
    const plan = await planQuarantine(ctx, incident.id, {}, alice);
    expect(plan.workload).toBe('shop/Deployment/web');
    expect(plan.yaml).toContain('kind: NetworkPolicy');
    expect(plan.yaml).toContain('app: web');
    expect(plan.clusterApi).toBe(false);
    const body = { workload: plan.workload, confirm: 'web' };
    await expect(applyQuarantine(ctx, incident.id, body, alice)).rejects.toThrow(
      /no Kubernetes API is configured/,
    );

    const kubeconfig = writeKubeconfig(t.dir, kube.url);
    const live: GovernanceContext = {
      ...ctx,
      config: { ...ctx.config, kubernetes: { kubeconfig } },
    };
    await expect(
      applyQuarantine(live, incident.id, { ...body, confirm: 'wbe' }, alice),
    ).rejects.toThrow(/confirm/);
    const applied = await applyQuarantine(live, incident.id, body, alice);
    expect(applied).toMatchObject({ applied: true, policy: { namespace: 'shop' } });
    const list = async (): Promise<{ metadata: { name: string; namespace: string } }[]> =>
      (
        (await (await fetch(`${kube.url}/apis/networking.k8s.io/v1/networkpolicies`)).json()) as {
          items: { metadata: { name: string; namespace: string } }[];
        }
      ).items;
    expect((await list()).map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      `shop/${applied.policy.name}`,
    ]);
    const again = await applyQuarantine(live, incident.id, body, alice);
    expect(again.message).toMatch(/already exists/);
    const lifted = await applyQuarantine(live, incident.id, { ...body, action: 'lift' }, alice);
    expect(lifted).toMatchObject({ action: 'lift', applied: true });
    expect(await list()).toEqual([]);
    const v = await getIncidentView(ctx, incident.id, undefined);
    expect(v.timeline.map((e) => e.kind)).toEqual([
      'created',
      'quarantine-plan',
      'quarantine-apply',
      'quarantine-apply',
      'quarantine-apply',
    ]);
    const actions = await auditActions();
    expect(actions).toEqual(
      expect.arrayContaining([
        'incident.quarantine.plan',
        'incident.quarantine.apply',
        'incident.quarantine.lift',
      ]),
    );
  });
});

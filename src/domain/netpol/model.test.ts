import { describe, expect, it } from 'vitest';

import { buildClusterModel, NAMESPACE_NAME_LABEL, workloadDisplayName } from './index.js';

describe('buildClusterModel', () => {
  it('adds the implicit namespace label and namespaces only referenced', () => {
    const { model } = buildClusterModel({
      namespaces: [{ name: 'a', labels: { [NAMESPACE_NAME_LABEL]: 'forged' } }],
      pods: [{ namespace: 'b', name: 'p' }],
    });
    expect(model.namespaces.get('a')!.labels.get(NAMESPACE_NAME_LABEL)).toBe('a');
    expect(model.namespaces.get('b')).toMatchObject({ declared: false });
    expect(model.namespaces.get('b')!.labels.get(NAMESPACE_NAME_LABEL)).toBe('b');
  });

  it('resolves owner chains ReplicaSet→Deployment and Job→CronJob', () => {
    const { model } = buildClusterModel({
      pods: [
        {
          namespace: 'n',
          name: 'web-abc-1',
          ownerReferences: [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }],
        },
        {
          namespace: 'n',
          name: 'job-1-x',
          ownerReferences: [{ kind: 'Job', name: 'job-1', controller: true }],
        },
        {
          namespace: 'n',
          name: 'orphan-rs-pod',
          ownerReferences: [{ kind: 'ReplicaSet', name: 'lone-7f' }],
        },
        { namespace: 'n', name: 'bare' },
      ],
      workloads: [
        {
          kind: 'ReplicaSet',
          namespace: 'n',
          name: 'web-abc',
          ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }],
        },
        { kind: 'Deployment', namespace: 'n', name: 'web', template: { labels: { app: 'web' } } },
        {
          kind: 'Job',
          namespace: 'n',
          name: 'job-1',
          ownerReferences: [{ kind: 'CronJob', name: 'nightly', controller: true }],
        },
      ],
    });
    expect(model.pods.map((p) => workloadDisplayName(p.workload))).toEqual([
      'n/web[Deployment]',
      'n/nightly[CronJob]',
      'n/lone-7f[ReplicaSet]',
      'n/bare[Pod]',
    ]);
    expect(model.pods.every((p) => !p.synthetic)).toBe(true);
  });

  it('a controller without pods yields one template pod with no IP', () => {
    const { model, errors } = buildClusterModel({
      workloads: [
        {
          kind: 'ReplicaSet',
          namespace: 'n',
          name: 'api-1',
          ownerReferences: [{ kind: 'Deployment', name: 'api', controller: true }],
          template: { labels: { v: 'rs' } },
        },
        {
          kind: 'Deployment',
          namespace: 'n',
          name: 'api',
          template: { labels: { app: 'api' }, ports: [{ name: 'http', containerPort: 80 }] },
        },
        { kind: 'StatefulSet', namespace: 'n', name: 'db', template: { labels: { app: 'db' } } },
      ],
    });
    expect(errors).toEqual([]);
    expect(
      model.pods.map((p) => [
        p.name,
        p.synthetic,
        p.ip,
        p.labels.get('app'),
        workloadDisplayName(p.workload),
      ]),
    ).toEqual([
      ['api-template', true, null, 'api', 'n/api[Deployment]'],
      ['db-template', true, null, 'db', 'n/db[StatefulSet]'],
    ]);
    expect(model.pods[0]!.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP' }]);
  });

  it('keeps valid objects and reports invalid ones, located', () => {
    const { model, errors } = buildClusterModel({
      pods: [
        { namespace: 'n', name: 'p', ip: 'not-an-ip', origin: { file: 'a.yaml', document: 0 } },
        { namespace: 'n', name: 'p' },
      ],
      policies: [
        {
          namespace: 'n',
          name: 'bad',
          spec: { podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP' }] }] },
          origin: { file: 'b.yaml', document: 3 },
        },
        { namespace: 'n', name: 'good', spec: { podSelector: {} } },
      ],
    });
    expect(model.pods).toHaveLength(1);
    expect(model.policies.map((p) => p.id)).toEqual(['n/good']);
    expect(errors).toEqual([
      {
        path: 'status.podIP',
        message: 'invalid IP "not-an-ip"',
        object: 'Pod n/p',
        origin: { file: 'a.yaml', document: 0 },
      },
      { path: 'metadata.name', message: 'duplicate pod; first one kept', object: 'Pod n/p' },
      expect.objectContaining({
        path: 'spec.ingress[0].ports[0].protocol',
        object: 'NetworkPolicy n/bad',
        origin: { file: 'b.yaml', document: 3 },
      }),
    ]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readManifestText } from './read-manifests.js';

const YAML = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: web, tier: 3}}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-1
  namespace: shop
  labels: {app: web}
  ownerReferences: [{kind: ReplicaSet, name: web-5d4, controller: true}]
spec:
  hostNetwork: true
  containers: [{name: c, ports: [{name: http, containerPort: 8080}, {containerPort: "53", protocol: UDP}]}]
status: {podIPs: [{ip: 10.0.0.9}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec: {jobTemplate: {spec: {template: {metadata: {labels: {app: batch}}, spec: {containers: []}}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: calico, namespace: shop}
---
apiVersion: v1
kind: Service
metadata: {name: web}
---
`;

describe('readManifestText', () => {
  it('reads multi-document YAML into typed inputs and counts skipped kinds', () => {
    const r = readManifestText(YAML, 'shop.yaml');
    expect(r.errors).toEqual([]);
    expect(r.input.namespaces).toEqual([
      {
        name: 'shop',
        labels: { team: 'web', tier: '3' },
        origin: { file: 'shop.yaml', document: 0 },
      },
    ]);
    expect(r.input.pods[0]).toMatchObject({
      name: 'web-1',
      namespace: 'shop',
      ip: '10.0.0.9',
      hostNetwork: true,
      ports: [
        { name: 'http', containerPort: 8080 },
        { containerPort: 53, protocol: 'UDP' },
      ],
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d4', controller: true }],
    });
    expect(r.input.workloads[0]).toMatchObject({
      kind: 'CronJob',
      template: { labels: { app: 'batch' } },
    });
    expect(r.input.policies).toEqual([
      {
        name: 'deny',
        namespace: 'shop',
        spec: { podSelector: {} },
        origin: { file: 'shop.yaml', document: 3 },
      },
    ]);
    expect(r.skipped).toEqual({ 'projectcalico.org/v3/NetworkPolicy': 1, 'v1/Service': 1 });
  });

  it("keeps namespace annotations (owners, contacts) but not kubectl's copy of the object", () => {
    const r = readManifestText(
      `apiVersion: v1
kind: Namespace
metadata:
  name: pay
  annotations:
    netsec.io/contact: payments@example.org
    netsec.io/slack: "#payments"
    kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Namespace"}'
`,
      'pay.yaml',
    );
    expect(r.input.namespaces[0]?.annotations).toEqual({
      'netsec.io/contact': 'payments@example.org',
      'netsec.io/slack': '#payments',
    });
  });

  it('reads JSON and List kinds, locating items', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, status: { podIP: '10.0.0.1' } },
        { apiVersion: 'v1', kind: 'Pod', metadata: {} },
      ],
    };
    const r = readManifestText(JSON.stringify(list), 'list.json');
    expect(r.input.pods).toHaveLength(1);
    expect(r.errors).toEqual([
      {
        origin: { file: 'list.json', document: 0, item: 1 },
        path: 'metadata.name',
        message: 'missing name',
        object: 'Pod',
      },
    ]);
  });

  it('reports a broken document by index and keeps the others', () => {
    const r = readManifestText(
      'kind: Namespace\nmetadata: {name: a}\n---\nkind: [oops\n---\nkind: Namespace\nmetadata: {name: b}\n',
      'x.yaml',
    );
    expect(r.input.namespaces.map((n) => n.name)).toEqual(['a', 'b']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.origin).toEqual({ file: 'x.yaml', document: 1 });
    expect(r.errors[0]!.message).toMatch(/^invalid YAML/);
  });

  it('refuses a document nested too deeply, naming its line, and keeps the others', () => {
    const deep = `kind: Namespace\nmetadata:\n  labels: ${'{a: '.repeat(3_000)}1${'}'.repeat(3_000)}\n`;
    const r = readManifestText(
      `kind: Namespace\nmetadata: {name: a}\n---\n${deep}---\nkind: Namespace\nmetadata: {name: b}\n`,
      'x.yaml',
    );
    expect(r.input.namespaces.map((n) => n.name)).toEqual(['a', 'b']);
    expect(r.errors).toEqual([
      {
        origin: { file: 'x.yaml', document: 1 },
        path: '',
        message: expect.stringMatching(
          /^invalid YAML: nested too deeply at line 6, column \d+ \(up to 128 levels are read\)$/,
        ) as unknown,
      },
    ]);
  });

  it('reports objects that are not maps or lack a kind', () => {
    const r = readManifestText(
      '- 1\n- kind: Pod\n  metadata: {name: p}\n---\nmetadata: {name: x}\n',
    );
    expect(r.input.pods).toHaveLength(1);
    expect(r.errors.map((e) => e.path)).toEqual(['', 'kind']);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        readManifestText(s, 'fuzz.yaml');
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        readManifestText(
          JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: v, spec: v, status: v }),
        );
        readManifestText(
          JSON.stringify({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'd' },
            spec: v,
          }),
        );
      }),
      { numRuns: 300 },
    );
  });
});

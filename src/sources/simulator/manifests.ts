/**
 * Renders the simulated cluster as Kubernetes objects that `kubectl apply` (or our own
 * manifest loader) accepts: Namespaces, workload controllers with their ReplicaSets and Jobs,
 * Pods with owner references, IPs and named container ports, and the NetworkPolicies.
 */
import { stringify } from 'yaml';

import type { SimCluster, SimPod, SimWorkload } from './cluster.js';
import { buildPolicies } from './policies.js';

type K8sObject = Record<string, unknown>;

function containers(wl: SimWorkload): K8sObject[] {
  return [
    {
      name: wl.spec.name,
      image: wl.spec.image,
      ports: wl.spec.ports.map((p) => ({
        name: p.name,
        containerPort: p.port,
        protocol: p.protocol ?? 'TCP',
      })),
    },
  ];
}

function template(wl: SimWorkload, extra: Record<string, string> = {}): K8sObject {
  return {
    metadata: { labels: { ...wl.templateLabels, ...extra } },
    spec: { containers: containers(wl) },
  };
}

function meta(
  wl: SimWorkload,
  name: string,
  owner?: { kind: string; name: string; apiVersion: string },
): K8sObject {
  return {
    name,
    namespace: wl.spec.namespace,
    labels: { ...wl.templateLabels },
    ...(owner
      ? {
          ownerReferences: [
            {
              apiVersion: owner.apiVersion,
              kind: owner.kind,
              name: owner.name,
              controller: true,
              uid: `${owner.name}-uid`,
            },
          ],
        }
      : {}),
  };
}

function controllerObjects(wl: SimWorkload): K8sObject[] {
  const { spec } = wl;
  const selector = { matchLabels: wl.selector };
  switch (spec.kind) {
    case 'Deployment': {
      const rs = wl.intermediate as string;
      const hash = { 'pod-template-hash': wl.revisionHash as string };
      return [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: meta(wl, spec.name),
          spec: { replicas: spec.replicas, selector, template: template(wl) },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: meta(wl, rs, { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name }),
          spec: {
            replicas: spec.replicas,
            selector: { matchLabels: { ...wl.selector, ...hash } },
            template: template(wl, hash),
          },
        },
      ];
    }
    case 'StatefulSet':
      return [
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: meta(wl, spec.name),
          spec: {
            replicas: spec.replicas,
            serviceName: spec.name,
            selector,
            template: template(wl),
          },
        },
      ];
    case 'DaemonSet':
      return [
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: meta(wl, spec.name),
          spec: { selector, template: template(wl) },
        },
      ];
    case 'CronJob': {
      const job = wl.intermediate as string;
      return [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: meta(wl, spec.name),
          spec: {
            schedule: spec.schedule ?? '0 * * * *',
            jobTemplate: {
              spec: {
                template: {
                  ...template(wl),
                  spec: { ...(template(wl).spec as K8sObject), restartPolicy: 'OnFailure' },
                },
              },
            },
          },
        },
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: meta(wl, job, { apiVersion: 'batch/v1', kind: 'CronJob', name: spec.name }),
          spec: { template: template(wl, { 'job-name': job }) },
        },
      ];
    }
    case 'Job':
      return [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: meta(wl, spec.name),
          spec: { parallelism: spec.replicas, template: template(wl) },
        },
      ];
  }
}

function podObject(wl: SimWorkload, pod: SimPod): K8sObject {
  const apiVersion = pod.owner.kind === 'Job' ? 'batch/v1' : 'apps/v1';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      uid: pod.uid,
      labels: pod.labels,
      ownerReferences: [
        {
          apiVersion,
          kind: pod.owner.kind,
          name: pod.owner.name,
          controller: true,
          uid: `${pod.owner.name}-uid`,
        },
      ],
    },
    spec: { nodeName: pod.node, containers: containers(wl) },
    status: { phase: 'Running', podIP: pod.ip, podIPs: [{ ip: pod.ip }] },
  };
}

/**
 * Every object of the demo cluster, namespaces first, policies last.
 * @example buildManifestObjects(buildSimCluster(42)).filter((o) => o.kind === 'Pod').length
 */
export function buildManifestObjects(cluster: SimCluster): K8sObject[] {
  const out: K8sObject[] = [];
  for (const ns of cluster.namespaces) {
    out.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns.name, labels: { team: ns.team } },
    });
  }
  for (const wl of cluster.workloads) out.push(...controllerObjects(wl));
  for (const wl of cluster.workloads) for (const pod of wl.pods) out.push(podObject(wl, pod));
  out.push(...(buildPolicies() as unknown as K8sObject[]));
  return out;
}

/** The files `netsec demo` writes: one YAML stream per concern, so users can read them. */
export function renderManifestFiles(cluster: SimCluster): { name: string; text: string }[] {
  const objects = buildManifestObjects(cluster);
  const pick = (kinds: string[]): K8sObject[] =>
    objects.filter((o) => kinds.includes(o.kind as string));
  const toYaml = (list: K8sObject[]): string =>
    list.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
  return [
    { name: '00-namespaces.yaml', text: toYaml(pick(['Namespace'])) },
    {
      name: '10-workloads.yaml',
      text: toYaml(
        pick(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job']),
      ),
    },
    { name: '20-pods.yaml', text: toYaml(pick(['Pod'])) },
    { name: '30-network-policies.yaml', text: toYaml(pick(['NetworkPolicy'])) },
  ];
}

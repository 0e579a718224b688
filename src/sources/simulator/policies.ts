/**
 * The demo's NetworkPolicies, as Kubernetes objects: a default deny per namespace (except
 * dev-sandbox), DNS egress to CoreDNS, monitoring scrapes on the named `metrics` port, and one
 * ingress and one egress policy per workload generated from the intended connections.
 */
import { CONNECTIONS, type ConnectionSpec } from './catalogue.js';
import { NAMESPACES, WORKLOADS } from './cluster-spec.js';
import { externalById, PRIVATE_EXCEPT } from './externals.js';

export interface NetworkPolicyManifest {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

const NAME_LABEL = 'app.kubernetes.io/name';
const NS_LABEL = 'kubernetes.io/metadata.name';

function policy(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): NetworkPolicyManifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'platform-policies' } },
    spec,
  };
}

const nsOf = (key: string): string => key.split('/')[0] as string;
const nameOf = (key: string): string => key.split('/')[1] as string;

function namespaceSpec(name: string): { denyIngress: boolean; denyEgress: boolean } {
  return NAMESPACES.find((n) => n.name === name) ?? { denyIngress: false, denyEgress: false };
}

/** The peer a rule names for a workload or external seen from `policyNamespace`. */
function peer(key: string, policyNamespace: string): Record<string, unknown> {
  if (key.startsWith('ext:')) {
    const ext = externalById(key.slice(4));
    const cidr = ext.cidr ?? `${ext.ips[0] ?? '0.0.0.0'}/32`;
    return cidr === '0.0.0.0/0'
      ? { ipBlock: { cidr, except: [...PRIVATE_EXCEPT] } }
      : { ipBlock: { cidr } };
  }
  const podSelector = { matchLabels: { [NAME_LABEL]: nameOf(key) } };
  if (nsOf(key) === policyNamespace) return { podSelector };
  return { namespaceSelector: { matchLabels: { [NS_LABEL]: nsOf(key) } }, podSelector };
}

/** Ingress rules name the destination's port by name where it has one, as charts usually do. */
function portEntry(conn: ConnectionSpec, named: boolean): Record<string, unknown> {
  if (named && !conn.to.startsWith('ext:')) {
    const spec = WORKLOADS.find((w) => `${w.namespace}/${w.name}` === conn.to);
    const port = spec?.ports.find((p) => p.port === conn.port);
    if (port) return { protocol: conn.protocol, port: port.name };
  }
  return { protocol: conn.protocol, port: conn.port };
}

function groupRules(
  conns: readonly ConnectionSpec[],
  peerKey: (c: ConnectionSpec) => string,
  ns: string,
  named: boolean,
  field: 'from' | 'to',
): Record<string, unknown>[] {
  const byPeer = new Map<string, ConnectionSpec[]>();
  for (const conn of conns) byPeer.set(peerKey(conn), [...(byPeer.get(peerKey(conn)) ?? []), conn]);
  return [...byPeer.entries()].map(([key, list]) => {
    const ports = list.map((x) => portEntry(x, named));
    const unique = [...new Map(ports.map((p) => [JSON.stringify(p), p])).values()];
    // Public clients reach the ingress controller from anywhere: a rule without peers.
    if (key === 'ext:internet-clients') return { ports: unique };
    return { [field]: [peer(key, ns)], ports: unique };
  });
}

function sharedPolicies(
  ns: string,
  denyIngress: boolean,
  denyEgress: boolean,
): NetworkPolicyManifest[] {
  const out: NetworkPolicyManifest[] = [];
  const types = [...(denyIngress ? ['Ingress'] : []), ...(denyEgress ? ['Egress'] : [])];
  out.push(
    policy(ns, types.length === 2 ? 'default-deny-all' : 'default-deny-ingress', {
      podSelector: {},
      policyTypes: types,
    }),
  );
  if (denyEgress) {
    out.push(
      policy(ns, 'allow-dns-egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { [NS_LABEL]: 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      }),
    );
  }
  out.push(
    policy(ns, 'allow-monitoring-scrape', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { [NS_LABEL]: 'monitoring' } },
              podSelector: { matchLabels: { [NAME_LABEL]: 'prometheus' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 'metrics' }],
        },
      ],
    }),
  );
  if (ns === 'kube-system') {
    out.push(
      policy(ns, 'allow-dns-ingress', {
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: {} }],
            ports: [
              { protocol: 'UDP', port: 'dns' },
              { protocol: 'TCP', port: 'dns-tcp' },
            ],
          },
        ],
      }),
    );
  }
  return out;
}

/**
 * All NetworkPolicies of the demo cluster, in a stable order.
 * @example buildPolicies().filter((p) => p.metadata.namespace === 'dev-sandbox').length // 0
 */
export function buildPolicies(
  connections: readonly ConnectionSpec[] = CONNECTIONS,
): NetworkPolicyManifest[] {
  const out: NetworkPolicyManifest[] = [];
  const intended = connections.filter((x) => x.intended && !x.shared);
  for (const ns of NAMESPACES) {
    if (!ns.denyIngress && !ns.denyEgress) continue;
    out.push(...sharedPolicies(ns.name, ns.denyIngress, ns.denyEgress));
    for (const wl of WORKLOADS.filter((w) => w.namespace === ns.name)) {
      const key = `${wl.namespace}/${wl.name}`;
      const selector = { matchLabels: { [NAME_LABEL]: wl.name } };
      const inbound = intended.filter((x) => x.to === key && x.from !== key);
      const self = intended.filter((x) => x.to === key && x.from === key);
      if (ns.denyIngress && inbound.length + self.length > 0) {
        out.push(
          policy(ns.name, `allow-${wl.name}-ingress`, {
            podSelector: selector,
            policyTypes: ['Ingress'],
            ingress: groupRules([...inbound, ...self], (x) => x.from, ns.name, true, 'from'),
          }),
        );
      }
      const outbound = intended.filter((x) => x.from === key);
      if (ns.denyEgress && outbound.length > 0) {
        out.push(
          policy(ns.name, `allow-${wl.name}-egress`, {
            podSelector: selector,
            policyTypes: ['Egress'],
            egress: groupRules(outbound, (x) => x.to, ns.name, false, 'to'),
          }),
        );
      }
    }
  }
  return out;
}

/** Used by tests and docs: does the namespace isolate anything at all? */
export function namespaceHasPolicies(name: string): boolean {
  const ns = namespaceSpec(name);
  return ns.denyIngress || ns.denyEgress;
}

// Policy evaluation benchmark: 1,000 pods, 300 policies, 50 namespaces, generated like a
// microservice estate (default deny per namespace, app-to-app allows, cross-namespace
// monitoring and ingress, DNS egress, CIDR egress, named ports). Run after a build:
//   npx tsc -p tsconfig.build.json && node bench/policy.mjs [--probes N] [--runs R]
// Prints eval probes/s (median of R runs) for the explained and the verdict-only paths, and a
// naive evaluator (scans every policy and selector per probe) measured in the same run.
import { performance } from 'node:perf_hooks';

import { cidrContains, parseIp } from '../dist/domain/ip.js';
import {
  buildClusterModel,
  evaluateConnection,
  ipEndpoint,
  isConnectionAllowed,
  matchesSelector,
  matchRulePorts,
} from '../dist/domain/netpol/index.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const PROBES = arg('--probes', 200_000);
const RUNS = arg('--runs', 5);

// Deterministic PRNG so every run measures the same cluster.
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const pick = (a) => a[Math.floor(rand() * a.length)];

const APPS = ['web', 'api', 'auth', 'cart', 'db', 'cache', 'queue', 'worker', 'search', 'mail'];
const PORTS = {
  web: 8080,
  api: 8443,
  auth: 9000,
  cart: 7070,
  db: 5432,
  cache: 6379,
  queue: 5672,
  worker: 8081,
  search: 9200,
  mail: 2525,
};

function generate() {
  const namespaces = [];
  const pods = [];
  const policies = [];
  for (let n = 0; n < 50; n++) {
    const ns = n === 0 ? 'monitoring' : n === 1 ? 'ingress' : `team-${n}`;
    namespaces.push({ name: ns, labels: { team: `t${n % 7}`, env: n % 3 === 0 ? 'prod' : 'dev' } });
    const apps = APPS.slice(0, 5 + (n % 6));
    for (let i = 0; i < 20; i++) {
      const app = apps[i % apps.length];
      pods.push({
        namespace: ns,
        name: `${app}-${i}`,
        labels: {
          app,
          'app.kubernetes.io/name': app,
          tier: i % 2 ? 'backend' : 'frontend',
          version: `v${i % 3}`,
        },
        ip: `10.${n}.${Math.floor(i / 250)}.${(i % 250) + 1}`,
        ports: [
          { name: 'http', containerPort: PORTS[app] },
          { name: 'metrics', containerPort: 9090 },
        ],
        workload: { kind: 'Deployment', namespace: ns, name: app },
      });
    }
  }
  namespaces.forEach(({ name: ns }, n) => {
    const policyTypes = n % 2 === 0 ? ['Ingress', 'Egress'] : ['Ingress'];
    policies.push({ namespace: ns, name: 'default-deny', spec: { podSelector: {}, policyTypes } });
  });
  // Per namespace: a call chain web -> api -> auth -> cart -> db on each service's named port,
  // then one more policy of a rotating kind.
  namespaces.forEach(({ name: ns }, n) => {
    for (let j = 1; j < 5; j++) {
      const spec = {
        podSelector: { matchLabels: { app: APPS[j] } },
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { app: APPS[j - 1] } } }],
            ports: [{ port: 'http' }],
          },
        ],
      };
      policies.push({ namespace: ns, name: `allow-${APPS[j - 1]}-to-${APPS[j]}`, spec });
    }
    const app = APPS[n % APPS.length];
    const kind = n % 2 === 0 ? 2 : [0, 1, 3, 4][n % 4];
    const spec =
      kind === 0
        ? {
            podSelector: { matchLabels: { app } },
            ingress: [
              {
                from: [
                  { namespaceSelector: {}, podSelector: { matchLabels: { tier: 'frontend' } } },
                ],
                ports: [{ port: 'http' }],
              },
            ],
          }
        : kind === 1
          ? {
              podSelector: {},
              ingress: [
                {
                  from: [
                    {
                      namespaceSelector: {
                        matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
                      },
                      podSelector: {},
                    },
                  ],
                  ports: [{ port: 9090 }],
                },
                {
                  from: [
                    {
                      namespaceSelector: {
                        matchExpressions: [{ key: 'team', operator: 'In', values: ['t1', 't2'] }],
                      },
                    },
                  ],
                  ports: [{ port: 8000, endPort: 9000 }],
                },
              ],
            }
          : kind === 2
            ? {
                podSelector: {},
                policyTypes: ['Egress'],
                egress: [
                  { to: [{ podSelector: {} }] },
                  {
                    to: [
                      { namespaceSelector: {}, podSelector: { matchLabels: { app: 'search' } } },
                    ],
                    ports: [{ port: 9200 }],
                  },
                  { ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }] },
                ],
              }
            : kind === 3
              ? {
                  podSelector: {
                    matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }],
                  },
                  egress: [
                    {
                      to: [
                        {
                          ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] },
                        },
                      ],
                      ports: [{ port: 443 }],
                    },
                  ],
                }
              : {
                  podSelector: { matchLabels: { app } },
                  ingress: [
                    {
                      from: [
                        {
                          namespaceSelector: { matchLabels: { env: 'prod' } },
                          podSelector: { matchLabels: { tier: 'frontend' } },
                        },
                        { ipBlock: { cidr: `10.${n}.0.0/16` } },
                      ],
                    },
                  ],
                };
    policies.push({ namespace: ns, name: `extra-${kind}`, spec });
  });
  return { namespaces, pods, policies };
}

// The naive evaluator: no index, every selector matched for every probe.
function naiveSide(model, dir, subject, other, target, protocol, port) {
  let isolated = false;
  for (const p of model.policies) {
    if (
      p.namespace !== subject.namespace ||
      !p.affects[dir] ||
      !matchesSelector(p.podSelector, subject.labels)
    )
      continue;
    isolated = true;
    for (const r of p[dir]) {
      const peerOk =
        r.peers === null ||
        r.peers.some((peer) => {
          if (peer.kind === 'ipBlock') {
            const addr =
              other.kind === 'ip' ? other.addr : other.pod.ip ? parseIp(other.pod.ip) : null;
            return (
              !!addr &&
              cidrContains(peer.cidr, addr) &&
              !peer.except.some((e) => cidrContains(e, addr))
            );
          }
          if (other.kind !== 'pod') return false;
          const ns = model.namespaces.get(other.pod.namespace);
          const nsOk =
            peer.namespaceSelector === null
              ? other.pod.namespace === p.namespace
              : matchesSelector(peer.namespaceSelector, ns.labels);
          return (
            nsOk &&
            (peer.podSelector === null || matchesSelector(peer.podSelector, other.pod.labels))
          );
        });
      if (peerOk && matchRulePorts(r.ports, protocol, port, target) === 'match') return true;
    }
  }
  return !isolated;
}
function naiveAllowed(model, src, dst, protocol, port) {
  const target = dst.kind === 'pod' ? dst.pod : null;
  if (src.kind === 'pod' && !naiveSide(model, 'egress', src.pod, dst, target, protocol, port))
    return false;
  return dst.kind !== 'pod' || naiveSide(model, 'ingress', dst.pod, src, target, protocol, port);
}

const input = generate();
let t = performance.now();
const { model, errors } = buildClusterModel(input);
const buildMs = performance.now() - t;
if (errors.length > 0)
  throw new Error(`generated manifests are invalid: ${JSON.stringify(errors[0])}`);

const endpoints = model.pods.map((pod) => ({ kind: 'pod', pod }));
const externals = ['8.8.8.8', '203.0.113.7', '192.168.1.1', '10.3.0.1'].map(ipEndpoint);
const probePorts = [53, 443, 5432, 6379, 8080, 8443, 9090, 9200, 8500, 12345];
const byNamespace = new Map();
for (const e of endpoints)
  byNamespace.set(e.pod.namespace, [...(byNamespace.get(e.pod.namespace) ?? []), e]);
// Mostly traffic inside a namespace, to the destination's own service port, as in real estates.
const probes = Array.from({ length: PROBES }, (_, i) => {
  const src = i % 20 === 0 ? pick(externals) : pick(endpoints);
  const dst =
    i % 20 === 10
      ? pick(externals)
      : i % 5 < 3 && src.kind === 'pod'
        ? pick(byNamespace.get(src.pod.namespace))
        : pick(endpoints);
  const port =
    i % 2 === 0 && dst.kind === 'pod' ? PORTS[dst.pod.labels.get('app')] : pick(probePorts);
  return { src, dst, protocol: i % 10 === 0 ? 'UDP' : 'TCP', port };
});

// Cross-check: the indexed evaluator agrees with the naive one on every probe.
let allowed = 0;
for (const p of probes.slice(0, 20_000)) {
  const a = isConnectionAllowed(model, p.src, p.dst, p.protocol, p.port);
  if (a !== naiveAllowed(model, p.src, p.dst, p.protocol, p.port))
    throw new Error('indexed and naive evaluators disagree');
  if (a !== evaluateConnection(model, p.src, p.dst, p.protocol, p.port).allowed)
    throw new Error('explained and fast paths disagree');
  if (a) allowed++;
}

function rate(fn, n) {
  const start = performance.now();
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const p = probes[i % probes.length];
    if (fn(model, p.src, p.dst, p.protocol, p.port)) sink++;
  }
  const ms = performance.now() - start;
  if (sink < 0) console.log(sink);
  return (n / ms) * 1000;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = (fn, n) => median(Array.from({ length: RUNS }, () => rate(fn, n)));

rate((m, s, d, pr, po) => evaluateConnection(m, s, d, pr, po).allowed, 20_000); // warm-up
const explained = runs((m, s, d, pr, po) => evaluateConnection(m, s, d, pr, po).allowed, PROBES);
const fast = runs(isConnectionAllowed, PROBES);
const naive = runs(naiveAllowed, Math.max(2_000, Math.floor(PROBES / 50)));

const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(
  `cluster: ${model.namespaces.size} namespaces, ${model.pods.length} pods, ${model.policies.length} policies; model built in ${buildMs.toFixed(0)} ms`,
);
console.log(
  `probes: ${fmt(PROBES)} per run, ${RUNS} runs, ${((allowed / 20_000) * 100).toFixed(1)}% allowed`,
);
console.log(
  `evaluateConnection (with explanation): ${fmt(explained)} probes/s (median)  target >= 200,000`,
);
console.log(`isConnectionAllowed (verdict only):    ${fmt(fast)} probes/s (median)`);
console.log(`naive scan baseline:                   ${fmt(naive)} probes/s (median)`);
console.log(
  `speed-up over naive: explained x${(explained / naive).toFixed(1)}, verdict x${(fast / naive).toFixed(1)}`,
);

// Connectivity-map benchmark: `computeConnlist` on 1,000 pods, 300 policies, 50 namespaces,
// generated like bench/policy.mjs (default deny per namespace, call chains on named ports,
// monitoring and cross-namespace allows, DNS and CIDR egress). Run after a build:
//   npx tsc -p tsconfig.build.json && node bench/connlist.mjs [--runs R]
// Prints the median connlist time for two clusters (replicas sharing their template's labels,
// as Deployments make them, and the pessimistic case where every replica differs), and in the
// same run a per-pod baseline: allowedPortsBetween for every ordered pod pair, timed on a
// subset of sources and extrapolated. Target: under 5 s.
import { performance } from 'node:perf_hooks';

import {
  allowedPortsBetween,
  buildClusterModel,
  computeConnlist,
  externalRanges,
  formatIp,
  ipEndpoint,
  podClasses,
} from '../dist/domain/netpol/index.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 3);

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

function generate(sharedLabels) {
  const namespaces = [];
  const pods = [];
  const policies = [];
  for (let n = 0; n < 50; n++) {
    const ns = n === 0 ? 'monitoring' : n === 1 ? 'ingress' : `team-${n}`;
    namespaces.push({ name: ns, labels: { team: `t${n % 7}`, env: n % 3 === 0 ? 'prod' : 'dev' } });
    const apps = APPS.slice(0, 5 + (n % 6));
    for (let i = 0; i < 20; i++) {
      const a = i % apps.length;
      const app = apps[a];
      // Replicas of a Deployment carry their template's labels; the pessimistic variant gives
      // each replica its own tier/version so that no two replicas are alike.
      const k = sharedLabels ? a : i;
      pods.push({
        namespace: ns,
        name: `${app}-${i}`,
        labels: {
          app,
          'app.kubernetes.io/name': app,
          tier: k % 2 ? 'backend' : 'frontend',
          version: `v${k % 3}`,
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
  namespaces.forEach(({ name: ns }, n) => {
    for (let j = 1; j < 5; j++) {
      policies.push({
        namespace: ns,
        name: `allow-${APPS[j - 1]}-to-${APPS[j]}`,
        spec: {
          podSelector: { matchLabels: { app: APPS[j] } },
          ingress: [
            {
              from: [{ podSelector: { matchLabels: { app: APPS[j - 1] } } }],
              ports: [{ port: 'http' }],
            },
          ],
        },
      });
    }
    const app = APPS[n % APPS.length];
    const kind = n % 2 === 0 ? 2 : [0, 1, 3, 4][n % 4];
    const specs = [
      {
        podSelector: { matchLabels: { app } },
        ingress: [
          {
            from: [{ namespaceSelector: {}, podSelector: { matchLabels: { tier: 'frontend' } } }],
            ports: [{ port: 'http' }],
          },
        ],
      },
      {
        podSelector: {},
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
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
      },
      {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: {} }] },
          {
            to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'search' } } }],
            ports: [{ port: 9200 }],
          },
          { ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }] },
        ],
      },
      {
        podSelector: {
          matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }],
        },
        egress: [
          {
            to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } }],
            ports: [{ port: 443 }],
          },
        ],
      },
      {
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
      },
    ];
    policies.push({ namespace: ns, name: `extra-${kind}`, spec: specs[kind] });
  });
  return { namespaces, pods, policies };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bench(label, sharedLabels) {
  const { model, errors } = buildClusterModel(generate(sharedLabels));
  if (errors.length > 0)
    throw new Error(`generated manifests are invalid: ${JSON.stringify(errors[0])}`);
  const classes = podClasses(model).length;
  let list = computeConnlist(model); // warm-up
  const times = Array.from({ length: RUNS }, () => {
    const t = performance.now();
    list = computeConnlist(model);
    return performance.now() - t;
  });
  const ms = median(times);

  // Baseline: the per-pod loop (every ordered pod pair plus every pod against every range),
  // timed on the first SUBSET sources and extrapolated to all pods.
  const SUBSET = 50;
  const pods = model.pods.map((pod) => ({ kind: 'pod', pod }));
  const ranges = externalRanges([model]).map((r) => ipEndpoint(formatIp(r.first, r.bits)));
  const t = performance.now();
  let sink = 0;
  for (const src of pods.slice(0, SUBSET)) {
    for (const dst of pods)
      if (src !== dst) sink += allowedPortsBetween(model, src, dst).TCP.length;
    for (const ip of ranges) {
      sink += allowedPortsBetween(model, src, ip).TCP.length;
      sink += allowedPortsBetween(model, ip, src).TCP.length;
    }
  }
  if (sink < 0) console.log(sink);
  const naiveMs = ((performance.now() - t) * pods.length) / SUBSET;
  console.log(
    `${label}: ${model.namespaces.size} namespaces, ${model.pods.length} pods, ${model.policies.length} policies, ` +
      `${classes} pod classes, ${ranges.length} external ranges -> ${list.length} connections`,
  );
  console.log(`  computeConnlist: ${ms.toFixed(0)} ms (median of ${RUNS})  target < 5000 ms`);
  console.log(
    `  per-pod baseline (extrapolated from ${SUBSET} sources): ${naiveMs.toFixed(0)} ms  -> x${(naiveMs / ms).toFixed(1)} faster`,
  );
}

bench('replicas share labels', true);
bench('every replica differs', false);

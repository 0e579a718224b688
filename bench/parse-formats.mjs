// Micro-benchmark: Hubble parse rate against a bare JSON.parse loop over the same lines.
// Run after `npx tsc -p tsconfig.build.json`: `node bench/parse-formats.mjs [lines]`.
import { createHubbleParser } from '../dist/formats/hubble/hubble-parser.js';

const N = Number(process.argv[2] ?? 200_000);
const NAMESPACES = 40;
const PODS = 2000;

function pod(i) {
  const ns = `ns-${i % NAMESPACES}`;
  const app = `app-${i % 200}`;
  return {
    ID: 1000 + i,
    identity: 20000 + (i % 200),
    cluster_name: 'bench',
    namespace: ns,
    labels: [
      `k8s:app=${app}`,
      `k8s:io.kubernetes.pod.namespace=${ns}`,
      'k8s:io.cilium.k8s.policy.cluster=bench',
    ],
    pod_name: `${app}-7d9f8c6b5-${String(i).padStart(5, '0')}`,
    workloads: [{ name: app, kind: 'Deployment' }],
  };
}

function makeLines(n) {
  const out = [];
  const base = Date.parse('2025-03-04T09:00:00Z');
  for (let i = 0; i < n; i++) {
    const a = pod((i * 7) % PODS);
    const b = pod((i * 13 + 5) % PODS);
    const denied = i % 10 === 0;
    const reply = i % 4 === 3;
    const t = new Date(base + i * 3).toISOString().replace('Z', '417000Z');
    const flow = {
      time: t,
      uuid: `5e0c1f6a-0000-4000-8000-${String(i).padStart(12, '0')}`,
      verdict: denied ? 'DROPPED' : 'FORWARDED',
      ...(denied ? { drop_reason: 133, drop_reason_desc: 'POLICY_DENIED' } : {}),
      IP: {
        source: `10.1.${i % 250}.${i % 200}`,
        destination: `10.2.${i % 250}.${i % 190}`,
        ipVersion: 'IPv4',
      },
      l4: {
        TCP: { source_port: 30000 + (i % 30000), destination_port: 8080, flags: { SYN: true } },
      },
      source: a,
      destination: b,
      Type: 'L3_L4',
      node_name: `bench/worker-${i % 8}`,
      event_type: { type: denied ? 1 : reply ? 4 : 5, ...(denied ? { sub_type: 133 } : {}) },
      traffic_direction: i % 2 ? 'INGRESS' : 'EGRESS',
      is_reply: reply && !denied,
      Summary: 'TCP Flags: SYN',
    };
    out.push(JSON.stringify({ flow, node_name: flow.node_name, time: t }));
  }
  return out;
}

function timeIt(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const lines = makeLines(N);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const parseRates = [];
const jsonRates = [];
let sink = 0;
for (let run = 0; run < 5; run++) {
  jsonRates.push(
    N /
      timeIt(() => {
        for (const l of lines) sink += JSON.parse(l) === null ? 1 : 0;
      }),
  );
  const parser = createHubbleParser({ cluster: 'bench' });
  parseRates.push(
    N /
      timeIt(() => {
        for (let i = 0; i < lines.length; i++)
          sink += parser.parseLine(lines[i], i + 1).flows.length;
      }),
  );
}
const hubble = median(parseRates);
const json = median(jsonRates);
console.log(`lines: ${N} (sink ${sink})`);
console.log(`hubble parse: ${Math.round(hubble).toLocaleString('en')} lines/s`);
console.log(`JSON.parse:   ${Math.round(json).toLocaleString('en')} lines/s`);
console.log(`ratio: ${(hubble / json).toFixed(2)}`);
console.log(
  JSON.stringify({
    hubbleLinesPerSec: Math.round(hubble),
    jsonParsePerSec: Math.round(json),
    ratio: +(hubble / json).toFixed(3),
  }),
);

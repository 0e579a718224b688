// Realistic flow batches shared by the store write benchmarks (SQLite and PostgreSQL), and the
// CPU and wall clocks they report. Deterministic for a seed.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// 40 namespaces x 10 deployments x 5 pods = 2,000 pods. Each workload talks to 4 fixed peers;
// denied traffic hits random workloads (misconfiguration, scanning); 8% goes to external IPs.
function cluster(rnd) {
  const pods = [];
  const workloads = [];
  for (let n = 0; n < 40; n++) {
    const ns = `team-${String(n).padStart(2, '0')}`;
    for (let w = 0; w < 10; w++) {
      const name = `svc-${w}`;
      const port = [80, 443, 8080, 5432, 6379, 9090][(n + w) % 6];
      const wl = { ns, name, port, pods: [] };
      for (let p = 0; p < 5; p++) {
        const pod = `${name}-6d9f7b8c4-${(n * 50 + w * 5 + p).toString(36).padStart(5, 'q')}`;
        const ep = {
          kind: 'pod',
          namespace: ns,
          pod,
          workload: { kind: 'Deployment', name },
          labels: { 'k8s:app': name, 'k8s:io.kubernetes.pod.namespace': ns, 'k8s:team': ns },
          ip: `10.${n}.${w}.${p + 10}`,
          dnsNames: [],
          externalGroup: null,
        };
        wl.pods.push(ep);
        pods.push(ep);
      }
      workloads.push(wl);
    }
  }
  for (const wl of workloads) {
    wl.peers = Array.from({ length: 4 }, () => workloads[Math.floor(rnd() * workloads.length)]);
  }
  const externals = Array.from({ length: 200 }, (_, i) => ({
    kind: 'external',
    namespace: null,
    pod: null,
    workload: null,
    labels: { 'reserved:world': '' },
    ip: `${(i % 3) + 198}.51.${i % 250}.${(i * 7) % 250}`,
    dnsNames: i % 4 === 0 ? [`api${i}.example.com`] : [],
    externalGroup: 'world',
  }));
  return { workloads, externals };
}

export function* batches(total, seed, batchSize) {
  const rnd = rng(seed);
  const { workloads, externals } = cluster(rnd);
  const start = Date.UTC(2025, 0, 15, 12);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const offenders = Array.from({ length: 40 }, () => pick(workloads));
  for (let b = 0; b * batchSize < total; b++) {
    const flows = [];
    for (let i = 0; i < batchSize && b * batchSize + i < total; i++) {
      const n = b * batchSize + i;
      const denied = rnd() < 0.1;
      // Denials cluster: a few misconfigured clients retry against a few targets, and one
      // scanner in ten sweeps random workloads.
      const srcWl = denied ? pick(offenders) : pick(workloads);
      const ext = rnd() < 0.08;
      const dstWl = denied
        ? rnd() < 0.1
          ? pick(workloads)
          : pick(srcWl.peers)
        : pick(srcWl.peers);
      const dst = ext ? pick(externals) : pick(dstWl.pods);
      const udp = !ext && dstWl.port === 6379 && rnd() < 0.2;
      const direction = ext || rnd() < 0.5 ? 'egress' : 'ingress';
      const polNs = direction === 'egress' ? srcWl.ns : dstWl.ns;
      flows.push({
        time: start + Math.floor(n * 0.6),
        cluster: 'prod-eu1',
        src: pick(srcWl.pods),
        dst,
        protocol: udp ? 'UDP' : 'TCP',
        port: ext ? 443 : udp ? 53 : dstWl.port,
        direction,
        verdict: denied ? 'denied' : 'allowed',
        reason: denied ? 'policy-denied' : 'allowed-by-policy',
        dropReason: denied ? 'POLICY_DENIED' : null,
        policies: [
          {
            kind: 'CiliumNetworkPolicy',
            namespace: polNs,
            name: denied ? 'default-deny' : `allow-${dstWl.name}`,
            rule: null,
            action: denied ? 'deny' : 'allow',
            staged: false,
            tier: null,
          },
        ],
        flows: 1,
        packets: null,
        bytes: null,
        bytesToDst: null,
        bytesToSrc: null,
        source: 'hubble',
        node: `worker-${n % 6}`,
        durationMs: 0,
      });
    }
    yield flows;
  }
}

// CPU time (user + system) is less disturbed than wall time on a busy shared machine.
export const cpuMs = (u) => (u.user + u.system) / 1000;
export const now = () => Number(process.hrtime.bigint()) / 1e6;

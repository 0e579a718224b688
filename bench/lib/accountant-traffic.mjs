// Deterministic calico-accountant-style traffic for the query benchmark: per workload, packet
// counters accepted from it (type fw) and to it (type tw) by one policy each, and for one
// workload in five, packets dropped because no policy matched (both directions). The same
// per-step deltas become counter samples in OpenMetrics (for promtool) and domain flows shaped
// exactly as the accountant parser makes them (for our store), so both hold the same traffic.
const DAY_MS = 86_400_000;

/** A stateless hash to [0, 1): any (series, step) is drawn alone, in any order. */
function unit(a, b) {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4_294_967_296;
}

/**
 * The workloads and their series. Series ids are stable: 4 per workload (accept fw, accept tw,
 * drop fw, drop tw); drop series exist for every fifth workload only.
 */
export function accountantModel({ workloads, days, stepMs, end }) {
  const steps = Math.floor((days * DAY_MS) / stepMs);
  const start = end - steps * stepMs;
  const wl = [];
  for (let i = 0; i < workloads; i++) {
    const ns = `team-${String(i % 40).padStart(2, '0')}`;
    const app = `svc-${Math.floor(i / 40)}`;
    wl.push({
      i,
      ns,
      app,
      pod: `${app}-6d9f7b8c4-${i.toString(36).padStart(5, 'q')}`,
      ip: `10.${i % 40}.${Math.floor(i / 40) % 250}.${10 + (i % 7)}`,
      node: `worker-${i % 6}:9009`,
      // Packets per step: from tens to a few thousand, fixed per workload.
      rate: Math.round(20 * 2 ** (unit(i, -1) * 7)),
    });
  }
  const series = [];
  for (const w of wl) {
    for (const type of ['fw', 'tw']) {
      const policy =
        type === 'fw' ? `${w.ns}/knp.default.allow-egress` : `${w.ns}/knp.default.allow-${w.app}`;
      series.push({ id: w.i * 4 + (type === 'fw' ? 0 : 1), w, type, family: 'accept', policy });
    }
    if (w.i % 5 === 0) {
      for (const type of ['fw', 'tw']) {
        series.push({ id: w.i * 4 + (type === 'fw' ? 2 : 3), w, type, family: 'drop' });
      }
    }
  }
  return { workloads: wl, series, steps, start, end: start + steps * stepMs, stepMs };
}

/**
 * Packets counted by `s` between sample k-1 and sample k (k ≥ 1): accept counters move in nine
 * steps of ten with a daily swing; drop counters in three of ten, by a handful of packets.
 */
export function delta(s, k, model) {
  const u = unit(s.id, k);
  if (s.family === 'drop') return u < 0.3 ? 1 + Math.floor(unit(s.id, k + 1e7) * 20) : 0;
  if (u >= 0.9) return 0;
  const t = model.start + k * model.stepMs;
  const daily = 1 + 0.5 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS);
  return Math.max(1, Math.round(s.w.rate * daily * (0.5 + unit(s.id, k + 2e7))));
}

const FAMILY = { accept: 'policy_accept_counter', drop: 'no_policy_drop_counter' };

/** The labels a Prometheus scrape of calico-accountant gives the series. */
export function labelText(s) {
  const w = s.w;
  const policy = s.policy ? `,policy="${s.policy}"` : '';
  return `app="${w.app}",cluster="bench",exported_pod="${w.pod}",instance="${w.node}",ip="${w.ip}",job="calico-accountant",namespace="calico-accountant",pod="calico-accountant-x1"${policy},pod_namespace="${w.ns}",type="${s.type}"`;
}

/**
 * OpenMetrics text, in chunks, for `promtool tsdb create-blocks-from openmetrics`: each family's
 * samples together, each series in time order. Counter values start from an arbitrary level.
 */
export function* openMetricsChunks(model) {
  for (const family of ['accept', 'drop']) {
    // No `# TYPE` line: OpenMetrics would then require (and Prometheus store) a `_total`
    // suffix, which calico-accountant's series do not have.
    const name = FAMILY[family];
    for (const s of model.series) {
      if (s.family !== family) continue;
      const head = `${name}{${labelText(s)}} `;
      let v = 1000 + s.id;
      let buf = '';
      for (let k = 0; k <= model.steps; k++) {
        if (k > 0) v += delta(s, k, model);
        buf += `${head}${v} ${(model.start + k * model.stepMs) / 1000}\n`;
      }
      yield buf;
    }
  }
  yield '# EOF\n';
}

/** One exposition line (as a scrape dump would hold it), for checking against the parser. */
export function expositionLine(s, k, value, model) {
  return `${FAMILY[s.family]}{${labelText(s)}} ${value} ${model.start + k * model.stepMs}`;
}

function endpoint(w) {
  return {
    kind: 'pod',
    namespace: w.ns,
    pod: w.pod,
    workload: null,
    labels: { app: w.app },
    ip: w.ip,
    dnsNames: [],
    externalGroup: null,
  };
}
const UNKNOWN = {
  kind: 'unknown',
  namespace: null,
  pod: null,
  workload: null,
  labels: {},
  ip: null,
  dnsNames: [],
  externalGroup: null,
};

/** The flow the accountant parser makes of the delta of `s` at step k. */
export function flowOf(s, k, packets, model) {
  const egress = s.type === 'fw';
  const w = s.w;
  const ns = s.policy ? s.policy.slice(0, s.policy.indexOf('/')) : null;
  const name = s.policy ? s.policy.slice(s.policy.indexOf('knp.default.') + 12) : null;
  return {
    time: model.start + (k - 1) * model.stepMs,
    cluster: 'bench',
    src: egress ? endpoint(w) : UNKNOWN,
    dst: egress ? UNKNOWN : endpoint(w),
    protocol: 'other',
    port: null,
    direction: egress ? 'egress' : 'ingress',
    verdict: s.family === 'drop' ? 'denied' : 'allowed',
    reason: s.family === 'drop' ? 'no-policy-matched' : 'allowed-by-policy',
    dropReason: null,
    policies: s.policy
      ? [
          {
            kind: 'NetworkPolicy',
            namespace: ns,
            name,
            tier: 'default',
            staged: false,
            rule: null,
            action: 'allow',
          },
        ]
      : [],
    flows: null,
    packets,
    bytes: null,
    bytesToDst: null,
    bytesToSrc: null,
    source: 'accountant',
    node: w.node,
    durationMs: model.stepMs,
  };
}

/** Flows in time order, in arrays of about `size`. */
export function* flowChunks(model, size) {
  let out = [];
  for (let k = 1; k <= model.steps; k++) {
    for (const s of model.series) {
      const d = delta(s, k, model);
      if (d === 0) continue;
      out.push(flowOf(s, k, d, model));
      if (out.length >= size) {
        yield out;
        out = [];
      }
    }
  }
  if (out.length) yield out;
}

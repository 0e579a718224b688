/**
 * Policy coverage: isolated vs non-isolated workloads now (from the cluster model in force) and
 * per month from the daily samples kept in the report store (one per day, taken whenever the
 * compliance evidence is computed while a model is loaded).
 */
import type { EvidenceItem, EvidenceTable } from '../../api/compliance-schema.js';
import { monthLabel } from '../../domain/compliance/period.js';
import { type ClusterModel, isolation, workloadKey } from '../../domain/netpol/index.js';
import type { Review } from '../../domain/review/types.js';
import { DAY_MS } from '../../domain/time.js';
import type { CoverageSample } from '../../store/report-store.js';
import { type EvidenceInput, item, pct } from './evidence-input.js';
import { reportStoreFor } from './stores.js';

export interface NamespaceCoverage {
  namespace: string;
  workloads: number;
  ingressIsolated: number;
  egressIsolated: number;
  /** Workloads no ingress policy selects (attacker-influenced names: escape when rendering). */
  exposed: string[];
}

/** Per namespace: workloads and how many some policy isolates in each direction. */
export function coverageOf(model: ClusterModel): NamespaceCoverage[] {
  const byWl = new Map<string, { ns: string; name: string; ingress: boolean; egress: boolean }>();
  for (const pod of model.pods) {
    if (pod.hostNetwork) continue;
    const key = workloadKey(pod.workload);
    const cur = byWl.get(key) ?? {
      ns: pod.namespace,
      name: pod.workload.name,
      ingress: false,
      egress: false,
    };
    cur.ingress ||= isolation(model, pod.id, 'ingress').length > 0;
    cur.egress ||= isolation(model, pod.id, 'egress').length > 0;
    byWl.set(key, cur);
  }
  const byNs = new Map<string, NamespaceCoverage>();
  for (const w of byWl.values()) {
    const c = byNs.get(w.ns) ?? {
      namespace: w.ns,
      workloads: 0,
      ingressIsolated: 0,
      egressIsolated: 0,
      exposed: [],
    };
    c.workloads += 1;
    if (w.ingress) c.ingressIsolated += 1;
    else c.exposed.push(w.name);
    if (w.egress) c.egressIsolated += 1;
    byNs.set(w.ns, c);
  }
  return [...byNs.values()].sort((a, b) => a.namespace.localeCompare(b.namespace));
}

/** The cluster name samples are kept under. */
export function coverageCluster(input: EvidenceInput): string {
  return input.cluster ?? input.ctx.config.ingest.defaultCluster;
}

/** Stores today's sample (idempotent per day); errors are ignored: history is best effort. */
export async function sampleCoverage(
  input: EvidenceInput,
  now: NamespaceCoverage[],
): Promise<void> {
  const day = Math.floor(input.now / DAY_MS) * DAY_MS;
  const cluster = coverageCluster(input);
  await reportStoreFor(input.ctx.store)
    .putCoverageSamples(
      now.map((c) => ({
        day,
        cluster,
        namespace: c.namespace,
        workloads: c.workloads,
        ingressIsolated: c.ingressIsolated,
        egressIsolated: c.egressIsolated,
        takenAt: input.now,
      })),
    )
    .catch(() => 0);
}

/** The last sample of each month, summed over the namespaces in scope. */
export function monthlyCoverage(
  samples: CoverageSample[],
  namespaces: readonly string[] | null,
): EvidenceTable {
  const lastDay = new Map<string, number>();
  for (const s of samples) {
    const m = monthLabel(s.day);
    lastDay.set(m, Math.max(lastDay.get(m) ?? 0, s.day));
  }
  const rows = [...lastDay.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, day]) => {
      const of = samples.filter(
        (s) => s.day === day && (!namespaces || namespaces.includes(s.namespace)),
      );
      const w = of.reduce((a, s) => a + s.workloads, 0);
      const i = of.reduce((a, s) => a + s.ingressIsolated, 0);
      const e = of.reduce((a, s) => a + s.egressIsolated, 0);
      return [
        month,
        new Date(day).toISOString().slice(0, 10),
        w,
        i,
        w - i,
        e,
        w ? pct(i / w) : null,
      ];
    });
  return {
    id: 'coverage-by-month',
    title: 'Coverage per month (last daily sample of the month)',
    columns: [
      'month',
      'sampled',
      'workloads',
      'ingress isolated',
      'not isolated',
      'egress isolated',
      'ingress coverage',
    ],
    rows,
  };
}

/**
 * Samples from the coverage snapshots that signed-off reviews took (per workload `ns/Kind/name`),
 * for days the report store has no sample of: review history fills in older months.
 */
export function samplesFromReviews(
  reviews: readonly Pick<Review, 'cluster' | 'signedOffAt' | 'snapshot'>[],
  cluster: string | null,
): CoverageSample[] {
  const out: CoverageSample[] = [];
  for (const r of reviews) {
    const cov = r.snapshot?.coverage;
    if (!cov || r.signedOffAt === null || (cluster !== null && r.cluster !== cluster)) continue;
    const byNs = new Map<string, CoverageSample>();
    const day = Math.floor(r.signedOffAt / DAY_MS) * DAY_MS;
    for (const [key, v] of Object.entries(cov)) {
      const ns = key.split('/')[0] ?? '';
      const s = byNs.get(ns) ?? {
        day,
        cluster: r.cluster,
        namespace: ns,
        workloads: 0,
        ingressIsolated: 0,
        egressIsolated: 0,
        takenAt: r.signedOffAt,
      };
      s.workloads += 1;
      if (v.ingress) s.ingressIsolated += 1;
      if (v.egress) s.egressIsolated += 1;
      byNs.set(ns, s);
    }
    out.push(...byNs.values());
  }
  return out;
}

export async function coverageEvidence(
  input: EvidenceInput,
  reviews: readonly Pick<Review, 'cluster' | 'signedOffAt' | 'snapshot'>[] = [],
): Promise<EvidenceItem> {
  const model = input.ctx.model();
  const scoped = (c: NamespaceCoverage): boolean =>
    !input.namespaces || input.namespaces.includes(c.namespace);
  const now = model ? coverageOf(model) : [];
  if (model && now.length) await sampleCoverage(input, now);
  const stored = await reportStoreFor(input.ctx.store)
    .listCoverageSamples(input.from, input.to, coverageCluster(input))
    .catch(() => [] as CoverageSample[]);
  const days = new Set(stored.map((s) => s.day));
  const samples = [
    ...stored,
    ...samplesFromReviews(reviews, input.cluster).filter((s) => !days.has(s.day)),
  ];
  const history = monthlyCoverage(samples, input.namespaces);
  const mine = now.filter(scoped);
  const w = mine.reduce((a, c) => a + c.workloads, 0);
  const i = mine.reduce((a, c) => a + c.ingressIsolated, 0);
  const e = mine.reduce((a, c) => a + c.egressIsolated, 0);
  const current: EvidenceTable = {
    id: 'coverage-now',
    title: 'Coverage now, per namespace',
    columns: [
      'namespace',
      'workloads',
      'ingress isolated',
      'egress isolated',
      'not isolated (ingress)',
    ],
    rows: mine.map((c) => [
      c.namespace,
      c.workloads,
      c.ingressIsolated,
      c.egressIsolated,
      c.exposed.slice(0, 20).join(' '),
    ]),
  };
  const figures = [
    { label: 'workloads', value: model ? w : null },
    { label: 'ingress isolated', value: model ? i : null },
    { label: 'not isolated (ingress)', value: model ? w - i : null },
    { label: 'egress isolated', value: model ? e : null },
    { label: 'ingress coverage', value: model && w ? pct(i / w) : null },
    { label: 'months with a coverage sample', value: history.rows.length },
  ];
  if (!model)
    return item(
      'coverage',
      'gap',
      'no cluster model loaded',
      'no cluster model is loaded (manifests or a live Kubernetes watch): coverage cannot be computed',
      figures,
      [history],
    );
  const reasons: string[] = [];
  if (w > i) reasons.push(`${w - i} of ${w} workloads are not isolated by any ingress policy`);
  if (history.rows.length < 2)
    reasons.push(
      'coverage history is short: samples are kept daily from when the compliance evidence was first computed, and from review sign-offs',
    );
  const status =
    w === 0 ? 'gap' : w === i ? (history.rows.length >= 2 ? 'met' : 'partial') : 'partial';
  return item(
    'coverage',
    status,
    w === 0
      ? 'no workloads in scope'
      : `${i} of ${w} workloads isolated for ingress (${pct(i / w)})`,
    reasons.join('; ') || (w === 0 ? 'no workloads in scope' : null),
    figures,
    [current, history],
  );
}

/** How often the running server samples coverage (one stored sample per namespace and day). */
export const COVERAGE_SAMPLE_EVERY_MS = 6 * 3_600_000;

/**
 * Samples coverage now and every few hours while a server runs, so that the monthly history
 * exists even on days nobody opens the compliance page. Returns a stop function.
 * @example const stop = startCoverageSampler(ctx); app.addHook('onClose', stop)
 */
export function startCoverageSampler(ctx: EvidenceInput['ctx']): () => void {
  const tick = (): void => {
    const model = ctx.model();
    if (!model) return;
    const now = ctx.now();
    const input: EvidenceInput = { ctx, from: now, to: now, cluster: null, namespaces: null, now };
    const cov = coverageOf(model);
    if (cov.length) void sampleCoverage(input, cov);
  };
  tick();
  const timer = setInterval(tick, COVERAGE_SAMPLE_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Evaluation of alert rules at one instant: conditions in, alert states out. The previous
 * states carry the `for` timers and the hysteresis from one evaluation to the next.
 */
import type { AlertRule, DropRule, FindingRule, ReviewRule } from './alert-rules.js';
import type { Finding } from './finding.js';
import { SEVERITIES } from './finding.js';

/** Denied traffic counted for one workload over a drop rule's window. */
export interface DropCount {
  cluster: string;
  namespace: string | null;
  workload: string | null;
  value: number;
  /** Packets where every contributing source reports them, flows otherwise. */
  unit: 'packets' | 'flows';
}

/** When a cluster's daily review was last signed off (null: never). */
export interface ReviewStatus {
  cluster: string;
  lastReviewAt: number | null;
}

export interface AlertInputs {
  now: number;
  drops(rule: DropRule): readonly DropCount[];
  /** Open findings, and findings that ended recently (so their alerts resolve at their end). */
  findings: readonly Finding[];
  /** Review status per cluster; null while no review feature reports it. */
  reviews: readonly ReviewStatus[] | null;
}

export interface AlertLinks {
  /** Base URL of the UI, without a trailing slash. */
  externalUrl: string;
  /** Runbook document URL; the anchor is the lower-cased alert name. */
  runbookUrl: string;
}

export interface AlertState {
  /** Identity of the alert: its label set, serialised in sorted order. */
  fingerprint: string;
  rule: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
  /** When the condition first held (Alertmanager `startsAt`). */
  activeSince: number;
  /** When it started firing, or null while pending. */
  firingSince: number | null;
  lastTrueAt: number;
  /** Set once, in the evaluation that resolves the alert. */
  resolvedAt: number | null;
}

interface Candidate {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
  activeSince?: number;
  /** Findings: the finding's own end once it has closed. */
  resolvedAt?: number;
}

/** Sorted `name="value"` pairs: equal label sets give equal fingerprints. */
export function labelFingerprint(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

function withoutEmpty(labels: Record<string, string | null>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (v !== null && v !== '') out[k] = v;
  return out;
}

function minutes(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.round(ms / 60_000)}m`;
}

function runbook(links: AlertLinks, name: string): string {
  return `${links.runbookUrl}#${name.toLowerCase()}`;
}

function dropCandidates(rule: DropRule, inputs: AlertInputs, links: AlertLinks): Candidate[] {
  const to = rule.direction === 'ingress' ? 'to' : 'from';
  return inputs
    .drops(rule)
    .filter((d) => d.value > rule.threshold)
    .map((d) => {
      const who = `${d.namespace ?? '(no namespace)'}/${d.workload ?? '(unknown workload)'}`;
      const unit =
        d.unit === 'packets'
          ? 'packets (as reported by the source)'
          : 'flows (the source reports no packet counts)';
      // The UI's own parameter names, so the link opens the denied page already filtered.
      const query = new URLSearchParams({ cluster: d.cluster, verdict: 'denied' });
      if (d.namespace !== null) query.set('ns', d.namespace);
      if (d.workload !== null) query.set('workload', d.workload);
      return {
        labels: withoutEmpty({
          alertname: rule.name,
          severity: rule.severity,
          cluster: d.cluster,
          namespace: d.namespace,
          workload: d.workload,
        }),
        annotations: {
          summary: `Traffic denied ${to} workload ${who}`,
          description:
            `${d.value} ${unit} denied ${to} ${who} in cluster ${d.cluster} over the last ` +
            `${minutes(rule.windowMs)} (threshold: more than ${rule.threshold}).`,
          runbook_url: runbook(links, rule.name),
        },
        generatorURL: `${links.externalUrl}/denied?${query.toString()}`,
      };
    });
}

function findingCandidates(rule: FindingRule, inputs: AlertInputs, links: AlertLinks): Candidate[] {
  const min = SEVERITIES.indexOf(rule.minSeverity);
  return inputs.findings
    .filter((f) => f.type === rule.findingType && SEVERITIES.indexOf(f.severity) >= min)
    .map((f) => ({
      labels: withoutEmpty({
        alertname: rule.name,
        severity: rule.severity,
        cluster: f.subject.cluster,
        namespace: f.subject.namespace,
        workload: f.subject.workload,
        finding_type: f.type,
        finding_severity: f.severity,
        finding_id: f.id,
      }),
      annotations: {
        summary: `${f.type} finding (${f.severity}) on ${f.subject.namespace ?? '-'}/${f.subject.workload ?? '-'}`,
        description: f.explanation,
        runbook_url: runbook(links, rule.name),
      },
      generatorURL: `${links.externalUrl}/findings/${encodeURIComponent(f.id)}`,
      activeSince: f.start,
      ...(f.status === 'closed' ? { resolvedAt: f.end } : {}),
    }));
}

function reviewCandidates(rule: ReviewRule, inputs: AlertInputs, links: AlertLinks): Candidate[] {
  return (inputs.reviews ?? [])
    .filter((r) => r.lastReviewAt === null || inputs.now - r.lastReviewAt > rule.maxAgeMs)
    .map((r) => ({
      labels: { alertname: rule.name, severity: rule.severity, cluster: r.cluster },
      annotations: {
        summary: `Daily review of cluster ${r.cluster} is overdue`,
        description:
          r.lastReviewAt === null
            ? `No review of cluster ${r.cluster} has been signed off yet.`
            : `The last review of cluster ${r.cluster} was signed off ${new Date(r.lastReviewAt).toISOString()}, more than ${minutes(rule.maxAgeMs)} ago.`,
        runbook_url: runbook(links, rule.name),
      },
      generatorURL: `${links.externalUrl}/review?cluster=${encodeURIComponent(r.cluster)}`,
    }));
}

function candidates(rule: AlertRule, inputs: AlertInputs, links: AlertLinks): Candidate[] {
  if (rule.kind === 'drops') return dropCandidates(rule, inputs, links);
  if (rule.kind === 'finding') return findingCandidates(rule, inputs, links);
  return reviewCandidates(rule, inputs, links);
}

function timing(rule: AlertRule): { forMs: number; keepMs: number } {
  return rule.kind === 'drops'
    ? { forMs: rule.forMs, keepMs: rule.keepFiringForMs }
    : { forMs: 0, keepMs: 0 };
}

/**
 * One evaluation. Returns the states to keep: pending and firing alerts, plus the alerts this
 * evaluation resolved (`resolvedAt` set; they are dropped at the next evaluation).
 * @example
 * let states = new Map();
 * states = evaluateAlerts(BUILTIN_ALERT_RULES, inputs, states, links);
 */
export function evaluateAlerts(
  rules: readonly AlertRule[],
  inputs: AlertInputs,
  previous: ReadonlyMap<string, AlertState>,
  links: AlertLinks,
): Map<string, AlertState> {
  const now = inputs.now;
  const next = new Map<string, AlertState>();
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const { forMs } = timing(rule);
    for (const c of candidates(rule, inputs, links)) {
      const fingerprint = labelFingerprint(c.labels);
      const prev = previous.get(fingerprint);
      const live = prev && prev.resolvedAt === null ? prev : undefined;
      const activeSince = live?.activeSince ?? c.activeSince ?? now;
      const firing = now - activeSince >= forMs || c.resolvedAt !== undefined;
      // A finding that closed before we ever saw it open raises nothing.
      if (c.resolvedAt !== undefined && !live) continue;
      next.set(fingerprint, {
        fingerprint,
        rule: rule.name,
        labels: c.labels,
        annotations: c.annotations,
        generatorURL: c.generatorURL,
        activeSince,
        firingSince: live?.firingSince ?? (firing ? now : null),
        lastTrueAt: c.resolvedAt ?? now,
        resolvedAt: c.resolvedAt !== undefined ? Math.max(c.resolvedAt, activeSince) : null,
      });
    }
  }
  const ruleTiming = new Map(rules.filter((r) => r.enabled).map((r) => [r.name, timing(r)]));
  for (const [fp, prev] of previous) {
    if (next.has(fp) || prev.resolvedAt !== null || prev.firingSince === null) continue;
    const keepMs = ruleTiming.get(prev.rule)?.keepMs ?? 0;
    // Hysteresis: a firing alert outlives its condition by keepFiringFor.
    if (ruleTiming.has(prev.rule) && now - prev.lastTrueAt < keepMs) next.set(fp, prev);
    else next.set(fp, { ...prev, resolvedAt: now });
  }
  return next;
}

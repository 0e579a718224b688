/** Review completion and time to review; findings handled (dispositioned or closed) vs open. */
import type { EvidenceItem } from '../../api/compliance-schema.js';
import { statusForRatio } from '../../domain/compliance/status.js';
import { DAY_MS, HOUR_MS } from '../../domain/time.js';
import type { ReviewSummary } from '../../store/review-store.js';
import { elapsedEnd, type EvidenceInput, gapItem, item, pct } from './evidence-input.js';
import { reasonOf, reviewsOf } from './stores.js';

const hours = (ms: number | null): number | null =>
  ms === null ? null : Math.round((ms / HOUR_MS) * 10) / 10;
const mean = (xs: number[]): number | null =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;

function visible(r: ReviewSummary, namespaces: readonly string[] | null): boolean {
  if (!namespaces) return true;
  return r.scope === null || r.scope.some((ns) => namespaces.includes(ns));
}

export interface ReviewFigures {
  reviews: ReviewSummary[];
  daysElapsed: number;
  daysReviewed: number;
  ratio: number | null;
  meanIntervalMs: number | null;
  meanDurationMs: number | null;
  /** Finding ids given a disposition in a signed-off review of the period. */
  dispositioned: Set<string>;
  capped: boolean;
}

/** Signed-off reviews of the period; a string (the reason) when they cannot be read. */
export async function reviewFigures(input: EvidenceInput): Promise<ReviewFigures | string> {
  try {
    return await readReviews(input);
  } catch (err) {
    return reasonOf(err);
  }
}

async function readReviews(input: EvidenceInput): Promise<ReviewFigures> {
  const store = reviewsOf(input.ctx.store);
  const end = elapsedEnd(input);
  const all = await store.listReviews({
    ...(input.cluster ? { cluster: [input.cluster] } : {}),
    status: 'signed-off',
    from: input.from,
    to: end,
    limit: 1000,
  });
  const reviews = all.filter((r) => visible(r, input.namespaces));
  const days = new Set(reviews.map((r) => Math.floor((r.signedOffAt ?? r.startedAt) / DAY_MS)));
  const daysElapsed = Math.max(0, Math.ceil((end - input.from) / DAY_MS));
  const dispositioned = new Set<string>();
  for (const r of reviews) {
    for (const it of await store.listItems(r.id))
      if (it.disposition && it.item.findingId) dispositioned.add(it.item.findingId);
  }
  return {
    reviews,
    daysElapsed,
    daysReviewed: days.size,
    ratio: daysElapsed === 0 ? null : Math.min(1, days.size / daysElapsed),
    meanIntervalMs: mean(reviews.map((r) => (r.signedOffAt ?? r.startedAt) - r.periodStart)),
    meanDurationMs: mean(reviews.map((r) => (r.signedOffAt ?? r.startedAt) - r.startedAt)),
    dispositioned,
    capped: all.length >= 1000,
  };
}

export function reviewEvidence(f: ReviewFigures | string, target: number): EvidenceItem {
  if (typeof f === 'string') return gapItem('review-completion', f);
  const status = statusForRatio(f.ratio, target);
  const figures = [
    { label: 'signed-off reviews', value: f.reviews.length },
    { label: 'days with a signed-off review', value: f.daysReviewed },
    { label: 'days elapsed in period', value: f.daysElapsed },
    { label: 'completion', value: pct(f.ratio) },
    { label: 'mean time between reviews (hours)', value: hours(f.meanIntervalMs) },
    { label: 'mean time from start to sign-off (hours)', value: hours(f.meanDurationMs) },
    {
      label: 'items left undecided at sign-off',
      value: f.reviews.reduce((s, r) => s + r.itemsLeft.length, 0),
    },
  ];
  const table = {
    id: 'reviews',
    title: 'Signed-off reviews',
    columns: [
      'signed off',
      'cluster',
      'by',
      'items',
      'expected',
      'misconfiguration',
      'suspicious',
      'false positive',
      'undecided',
      'note',
    ],
    rows: f.reviews.map((r) => [
      r.signedOffAt === null ? null : new Date(r.signedOffAt).toISOString(),
      r.cluster,
      r.signedOffBy,
      r.itemCount,
      r.counts.expected,
      r.counts.misconfiguration,
      r.counts.suspicious,
      r.counts['false-positive'],
      r.counts.none,
      r.note,
    ]),
  };
  const reason =
    f.ratio === null
      ? 'the period has not started'
      : `${f.daysElapsed - f.daysReviewed} of ${f.daysElapsed} days have no signed-off review` +
        (f.capped ? ' (only the newest 1000 reviews were counted)' : '');
  return item(
    'review-completion',
    status,
    `${f.daysReviewed} of ${f.daysElapsed} days reviewed (${pct(f.ratio)})`,
    reason,
    figures,
    [table],
  );
}

export async function findingsEvidence(
  input: EvidenceInput,
  reviews: ReviewFigures | string,
): Promise<EvidenceItem> {
  const done = typeof reviews === 'string' ? new Set<string>() : reviews.dispositioned;
  let findings;
  try {
    findings = await input.ctx.findings.listFindings({
      from: input.from,
      to: input.to,
      ...(input.cluster ? { cluster: [input.cluster] } : {}),
      ...(input.namespaces ? { namespace: [...input.namespaces] } : {}),
      limit: 10_000,
    });
  } catch (err) {
    return gapItem('findings-handled', err instanceof Error ? err.message : String(err));
  }
  const dispositioned = findings.filter((f) => done.has(f.id)).length;
  const closed = findings.filter((f) => f.status === 'closed' && !done.has(f.id)).length;
  const open = findings.length - dispositioned - closed;
  const handled = dispositioned + closed;
  const ratio = findings.length === 0 ? 1 : handled / findings.length;
  const bySeverity = new Map<string, number>();
  for (const f of findings) bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
  const reasons: string[] = [];
  if (open > 0) reasons.push(`${open} findings are open and not dispositioned in a review`);
  if (typeof reviews === 'string') reasons.push(`dispositions unknown: ${reviews}`);
  return item(
    'findings-handled',
    findings.length === 0 ? 'met' : statusForRatio(ratio, 0.9),
    findings.length === 0
      ? 'no findings in the period'
      : `${handled} of ${findings.length} findings handled (${pct(ratio)})`,
    reasons.join('; ') || null,
    [
      { label: 'findings in period', value: findings.length },
      { label: 'dispositioned in a review', value: dispositioned },
      { label: 'closed (activity ended)', value: closed },
      { label: 'open, not dispositioned', value: open },
    ],
    [
      {
        id: 'findings-by-severity',
        title: 'Findings by severity',
        columns: ['severity', 'findings'],
        rows: [...bySeverity.entries()].map(([k, v]) => [k, v]),
      },
    ],
  );
}

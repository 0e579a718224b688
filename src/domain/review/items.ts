/** Review items from findings and from evidence gaps (silent sources, lost events, ingest holes). */
import type { Finding } from '../detect/finding.js';
import type { ReviewItem } from './types.js';

const NS_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The namespace of a peer written `ns/workload`; null for IPs, CIDRs and external groups. */
export function peerNamespace(peer: string | null): string | null {
  if (peer === null) return null;
  const i = peer.indexOf('/');
  if (i <= 0) return null;
  const ns = peer.slice(0, i);
  // CIDRs (10.0.0.0/8) have dots; a bare number is not a namespace either.
  return NS_RE.test(ns) && !/^\d+$/.test(ns) ? ns : null;
}

/** A finding as a review item; `new` when it started in the period, else `ongoing`. */
export function findingItem(f: Finding, periodStart: number): ReviewItem {
  const where = [f.subject.namespace, f.subject.workload].filter((x) => x !== null).join('/');
  return {
    key: `finding:${f.id}`,
    kind: 'finding',
    cluster: f.subject.cluster,
    namespace: f.subject.namespace,
    peerNamespace: peerNamespace(f.subject.peer),
    workload: f.subject.workload,
    severity: f.severity,
    title: `${f.type}${where ? ` on ${where}` : ''}${f.subject.peer ? ` ↔ ${f.subject.peer}` : ''}`,
    detail: f.explanation,
    findingId: f.id,
    findingKey: f.key,
    findingType: f.type,
    state: f.start >= periodStart ? 'new' : 'ongoing',
    start: f.start,
    end: f.end,
  };
}

function gapItem(
  cluster: string,
  key: string,
  title: string,
  detail: string,
  start: number,
  end: number,
): ReviewItem {
  return {
    key,
    kind: 'gap',
    cluster,
    namespace: null,
    peerNamespace: null,
    workload: null,
    severity: 'medium',
    title,
    detail,
    findingId: null,
    findingKey: null,
    findingType: null,
    state: null,
    start,
    end,
  };
}

export interface SourceState {
  source: string;
  lastBatchAt: number;
  lostEventsTotal: number;
}

/** Sources silent longer than `gapMs`, and sources that lost events since `lostBefore` was taken. */
export function sourceGapItems(
  cluster: string,
  sources: readonly SourceState[],
  lostBefore: Readonly<Record<string, number>>,
  now: number,
  gapMs: number,
): ReviewItem[] {
  const items: ReviewItem[] = [];
  for (const s of sources) {
    if (now - s.lastBatchAt > gapMs)
      items.push(
        gapItem(
          cluster,
          `gap:silent:${s.source}:${s.lastBatchAt}`,
          `Source ${s.source} is silent`,
          `No batch from ${s.source} since ${new Date(s.lastBatchAt).toISOString()} (${Math.round((now - s.lastBatchAt) / 60_000)} minutes).`,
          s.lastBatchAt,
          now,
        ),
      );
    const lost = s.lostEventsTotal - (lostBefore[s.source] ?? 0);
    if (lost > 0)
      items.push(
        gapItem(
          cluster,
          `gap:lost:${s.source}:${s.lostEventsTotal}`,
          `${s.source} lost ${lost} events`,
          `The source reported ${lost} lost events since the last sign-off (total ${s.lostEventsTotal}); flows in that time are incomplete.`,
          now,
          now,
        ),
      );
  }
  return items;
}

/**
 * Runs of at least `minSteps` consecutive empty minutes in a per-minute ingest series (holes).
 * `steps` are the step start times, `values` the flows per step (0 or null: nothing ingested).
 */
export function holeItems(
  cluster: string,
  steps: readonly number[],
  values: readonly (number | null)[],
  stepMs: number,
  minSteps: number,
): ReviewItem[] {
  const items: ReviewItem[] = [];
  let runStart = -1;
  const close = (endIdx: number): void => {
    if (runStart >= 0 && endIdx - runStart >= minSteps) {
      const start = steps[runStart]!;
      const end = steps[endIdx - 1]! + stepMs;
      items.push(
        gapItem(
          cluster,
          `gap:hole:${start}`,
          `No data ingested for ${Math.round((end - start) / 60_000)} minutes`,
          `Nothing was ingested for cluster ${cluster} from ${new Date(start).toISOString()} to ${new Date(end).toISOString()}.`,
          start,
          end,
        ),
      );
    }
    runStart = -1;
  };
  for (let i = 0; i < steps.length; i++) {
    // null: data came from a source without this counter, so not a hole.
    const empty = values[i] === 0 || values[i] === undefined;
    if (empty && runStart < 0) runStart = i;
    if (!empty) close(i);
  }
  close(steps.length);
  return items;
}

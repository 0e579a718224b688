/**
 * Findings as the API shows them: in the caller's scope, each with the active suppression that
 * covers it, and a finding's evidence flows and review history.
 */
import type { FindingListQuery, FindingView } from '../../api/finding-schema.js';
import type { StoredFlowLike, SuppressionView } from '../../api/review-schema.js';
import type { Finding } from '../../domain/detect/finding.js';
import { findingItem } from '../../domain/review/items.js';
import { coveringSuppression, suppressionActive } from '../../domain/review/suppression.js';
import type { Suppression } from '../../domain/review/types.js';
import type { FlowFilter } from '../../store/flow-store.js';
import type { GovernanceContext } from '../governance-context.js';
import type { ReviewScope } from '../review/review-service.js';
import { reviewServiceFor } from '../review/review-service-for.js';

/** A developer sees a finding when its namespace or its peer's is in their scope. */
export function findingVisible(f: Finding, scope: ReviewScope | undefined): boolean {
  const allowed = scope?.namespaces;
  if (!allowed) return true;
  const item = findingItem(f, 0);
  return [item.namespace, item.peerNamespace].some((ns) => ns !== null && allowed.includes(ns));
}

function view(f: Finding, suppressions: readonly Suppression[], now: number): FindingView {
  const s = coveringSuppression(suppressions, findingItem(f, f.start), now);
  return { ...f, suppression: s ? { ...s, active: true } : null };
}

export async function listFindingViews(
  ctx: GovernanceContext,
  q: FindingListQuery,
  scope: ReviewScope | undefined,
): Promise<{ findings: FindingView[]; truncated: boolean }> {
  const limit = q.limit ?? 500;
  // Scoped callers are filtered after the query (peer namespaces are not a store filter).
  const fetched = await ctx.findings.listFindings({
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
    ...(q.type ? { type: q.type } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.minSeverity ? { minSeverity: q.minSeverity } : {}),
    ...(q.cluster ? { cluster: q.cluster } : {}),
    ...(q.namespace ? { namespace: q.namespace } : {}),
    limit: scope?.namespaces ? 10_000 : limit + 1,
  });
  const visible = fetched.filter((f) => findingVisible(f, scope));
  const now = ctx.now();
  const suppressions = await reviewServiceFor(ctx).store.listSuppressions({ activeAt: now });
  return {
    findings: visible.slice(0, limit).map((f) => view(f, suppressions, now)),
    truncated: visible.length > limit,
  };
}

const MINUTE = 60_000;

/** The raw-event filter behind a finding: its cluster, span, side and verdict. */
export function evidenceFilter(f: Finding): Record<string, string> {
  const denied = [
    'misconfiguration',
    'port-scan',
    'ip-sweep',
    'external-probe',
    'blocked-egress',
    'unknown',
  ].includes(f.type);
  const out: Record<string, string> = {
    cluster: f.subject.cluster,
    from: String(Math.floor(f.start / MINUTE) * MINUTE),
    to: String(Math.ceil((f.end + 1) / MINUTE) * MINUTE),
    verdict: denied ? 'denied' : 'allowed',
  };
  if (f.subject.namespace) out['namespace'] = f.subject.namespace;
  const wl = f.subject.workload;
  if (wl) out['workload'] = wl.includes('/') ? wl.slice(wl.indexOf('/') + 1) : wl;
  return out;
}

/**
 * The store filter for a finding's raw events. `namespaces` (a developer's scope) replaces the
 * subject's namespace: they see only flows with a side in their namespaces.
 */
export function evidenceFlowFilter(f: Finding, namespaces?: readonly string[]): FlowFilter {
  const filter = evidenceFilter(f);
  const ns = namespaces ?? (f.subject.namespace ? [f.subject.namespace] : null);
  return {
    cluster: [f.subject.cluster],
    from: Number(filter['from']),
    to: Number(filter['to']),
    verdict: [filter['verdict'] === 'denied' ? 'denied' : 'allowed'],
    ...(ns ? { namespace: [...ns] } : {}),
    ...(filter['workload'] ? { workload: filter['workload'] } : {}),
  };
}

export async function findingDetail(
  ctx: GovernanceContext,
  id: string,
  scope: ReviewScope | undefined,
  cursor: string | undefined,
): Promise<{
  finding: FindingView;
  evidence: { flows: StoredFlowLike[]; next: string | null; filter: Record<string, string> };
  reviews: Awaited<ReturnType<ReturnType<typeof reviewServiceFor>['store']['itemsByKey']>>;
} | null> {
  const f = await ctx.findings.getFinding(id);
  if (!f || !findingVisible(f, scope)) return null;
  const reviews = reviewServiceFor(ctx);
  const now = ctx.now();
  const suppressions = await reviews.store.listSuppressions({
    cluster: [f.subject.cluster],
    activeAt: now,
  });
  const filter = evidenceFilter(f);
  const page = await ctx.store.queryFlows(evidenceFlowFilter(f, scope?.namespaces), {
    limit: 100,
    cursor: cursor ?? null,
  });
  const items = await reviews.store.itemsByKey(`finding:${f.id}`);
  return {
    finding: view(f, suppressions, now),
    evidence: { flows: page.flows, next: page.next, filter },
    reviews: items.filter((r) => r.item.disposition !== null),
  };
}

export function suppressionView(s: Suppression, now: number): SuppressionView {
  return { ...s, active: suppressionActive(s, now) };
}

/** Row mapping of the review tables; rows are read back defensively (a bad value = corrupt row). */
import type { FindingType } from '../../domain/detect/finding.js';
import {
  type Disposition,
  DISPOSITIONS,
  type RecordedItem,
  type Review,
  type Suppression,
} from '../../domain/review/types.js';

export interface ReviewRow {
  id: string;
  cluster: string;
  scope_key: string;
  scope: string | null;
  status: string;
  period_start: number;
  started_at: number;
  started_by: string;
  signed_off_at: number | null;
  signed_off_by: string | null;
  note: string | null;
  items_left: string;
  snapshot: string | null;
}

export function reviewFromRow(r: ReviewRow): Review {
  if (r.status !== 'open' && r.status !== 'signed-off')
    throw new Error(`review ${r.id}: bad status`);
  const scope: unknown = r.scope === null ? null : JSON.parse(r.scope);
  const left: unknown = JSON.parse(r.items_left);
  return {
    id: r.id,
    cluster: r.cluster,
    scope: Array.isArray(scope) ? scope.map(String) : null,
    status: r.status,
    periodStart: r.period_start,
    startedAt: r.started_at,
    startedBy: r.started_by,
    signedOffAt: r.signed_off_at,
    signedOffBy: r.signed_off_by,
    note: r.note,
    itemsLeft: Array.isArray(left) ? left.map(String) : [],
    snapshot: r.snapshot === null ? null : (JSON.parse(r.snapshot) as Review['snapshot']),
  };
}

export interface ItemRow {
  key: string;
  item: string;
  disposition: string | null;
  reason: string | null;
  actor: string | null;
  at: number | null;
  incident_id: string | null;
  suppression_id: string | null;
  covered_by: string | null;
}

export function itemFromRow(r: ItemRow): RecordedItem {
  const d = r.disposition;
  if (d !== null && !(DISPOSITIONS as readonly string[]).includes(d))
    throw new Error(`review item ${r.key}: bad disposition`);
  return {
    item: JSON.parse(r.item) as RecordedItem['item'],
    disposition:
      d === null
        ? null
        : {
            key: r.key,
            disposition: d as Disposition,
            reason: r.reason ?? '',
            actor: r.actor ?? '',
            at: r.at ?? 0,
            incidentId: r.incident_id,
            suppressionId: r.suppression_id,
          },
    suppressionId: r.covered_by,
  };
}

export function itemParams(reviewId: string, rec: RecordedItem): Record<string, unknown> {
  const d = rec.disposition;
  return {
    review_id: reviewId,
    key: rec.item.key,
    kind: rec.item.kind,
    item: JSON.stringify(rec.item),
    disposition: d?.disposition ?? null,
    reason: d?.reason ?? null,
    actor: d?.actor ?? null,
    at: d?.at ?? null,
    incident_id: d?.incidentId ?? null,
    suppression_id: d?.suppressionId ?? null,
    covered_by: rec.suppressionId,
  };
}

export interface SuppressionRow {
  id: string;
  cluster: string;
  finding_type: string | null;
  key: string | null;
  namespace: string | null;
  workload: string | null;
  reason: string;
  owner: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
  review_id: string | null;
  item_key: string | null;
}

export function suppressionFromRow(r: SuppressionRow): Suppression {
  return {
    id: r.id,
    cluster: r.cluster,
    findingType: r.finding_type as FindingType | null,
    key: r.key,
    namespace: r.namespace,
    workload: r.workload,
    reason: r.reason,
    owner: r.owner,
    createdBy: r.created_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    reviewId: r.review_id,
    itemKey: r.item_key,
  };
}

export function suppressionParams(s: Suppression): SuppressionRow {
  return {
    id: s.id,
    cluster: s.cluster,
    finding_type: s.findingType,
    key: s.key,
    namespace: s.namespace,
    workload: s.workload,
    reason: s.reason,
    owner: s.owner,
    created_by: s.createdBy,
    created_at: s.createdAt,
    expires_at: s.expiresAt,
    revoked_at: s.revokedAt,
    revoked_by: s.revokedBy,
    review_id: s.reviewId,
    item_key: s.itemKey,
  };
}

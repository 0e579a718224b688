/**
 * The policy-change journal's row shape and its mapping, shared by the SQLite and PostgreSQL
 * stores (same columns in both schemas).
 */
import {
  POLICY_CHANGE_OBJECT_KINDS,
  POLICY_CHANGE_SEEN_BY,
  POLICY_CHANGE_TYPES,
  type PolicyChangeRecord,
} from '../policy-change-store.js';

export interface PolicyChangeRow {
  id: string;
  time: number;
  cluster: string;
  kind: string;
  type: string;
  namespace: string;
  name: string;
  resource_version: string | null;
  seen_by: string;
  summary: string;
  diff: string;
  after: string | null;
}

export const POLICY_CHANGE_COLUMNS =
  'id, time, cluster, kind, type, namespace, name, resource_version, seen_by, summary, diff, after';

function oneOf<T extends string>(values: readonly T[], v: string, what: string, id: string): T {
  // Rows are read back defensively: a value outside the vocabulary means a corrupt row.
  if (!(values as readonly string[]).includes(v))
    throw new Error(`policy change ${id}: bad ${what}`);
  return v as T;
}

export function policyChangeFromRow(r: PolicyChangeRow): PolicyChangeRecord {
  const diff: unknown = JSON.parse(r.diff);
  return {
    id: r.id,
    time: r.time,
    cluster: r.cluster,
    kind: oneOf(POLICY_CHANGE_OBJECT_KINDS, r.kind, 'kind', r.id),
    type: oneOf(POLICY_CHANGE_TYPES, r.type, 'type', r.id),
    namespace: r.namespace,
    name: r.name,
    resourceVersion: r.resource_version,
    seenBy: oneOf(POLICY_CHANGE_SEEN_BY, r.seen_by, 'seenBy', r.id),
    summary: r.summary,
    diff: Array.isArray(diff) ? diff.map(String) : [],
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
  };
}

/**
 * The findings table's row shape and its mapping, shared by the SQLite and PostgreSQL stores
 * (same columns in both schemas).
 */
import { type Finding, FINDING_TYPES, SEVERITIES } from '../../domain/detect/finding.js';

export interface FindingRow {
  id: string;
  key: string;
  type: string;
  severity: string;
  confidence: number;
  start: number;
  end_time: number;
  status: string;
  cluster: string;
  namespace: string | null;
  workload: string | null;
  peer: string | null;
  evidence: string;
  explanation: string;
  samples: string;
  updated_at: number;
}

export function findingFromRow(r: FindingRow): Finding {
  // Rows are read back defensively: a value outside the vocabulary means a corrupt row.
  if (!(FINDING_TYPES as readonly string[]).includes(r.type))
    throw new Error(`finding ${r.id}: bad type`);
  if (!(SEVERITIES as readonly string[]).includes(r.severity))
    throw new Error(`finding ${r.id}: bad severity`);
  if (r.status !== 'open' && r.status !== 'closed') throw new Error(`finding ${r.id}: bad status`);
  const samples: unknown = JSON.parse(r.samples);
  return {
    id: r.id,
    key: r.key,
    type: r.type as Finding['type'],
    severity: r.severity as Finding['severity'],
    confidence: r.confidence,
    start: r.start,
    end: r.end_time,
    status: r.status,
    subject: { cluster: r.cluster, namespace: r.namespace, workload: r.workload, peer: r.peer },
    evidence: JSON.parse(r.evidence) as Finding['evidence'],
    explanation: r.explanation,
    samples: Array.isArray(samples) ? samples.map(String) : [],
    updatedAt: r.updated_at,
  };
}

export const FINDING_COLUMNS = `id, key, type, severity, confidence, start, end_time, status, cluster, namespace,
  workload, peer, evidence, explanation, samples, updated_at`;

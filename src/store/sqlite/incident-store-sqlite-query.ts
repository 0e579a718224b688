/** WHERE clause of the SQLite incident queries. */
import type { IncidentFilter } from '../incident-store.js';

export function incidentWhere(f: IncidentFilter): { where: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const inList = (col: string, values: readonly string[] | undefined): void => {
    if (!values) return;
    if (values.length === 0) {
      parts.push('0');
      return;
    }
    parts.push(`${col} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  if (f.from !== undefined) {
    parts.push('i.created_at >= ?');
    params.push(f.from);
  }
  if (f.to !== undefined) {
    parts.push('i.created_at < ?');
    params.push(f.to);
  }
  inList('i.cluster', f.cluster);
  inList('i.status', f.status);
  inList('i.severity', f.severity);
  inList('i.kind', f.kind);
  inList('i.outcome', f.outcome);
  if (f.assignee !== undefined) {
    parts.push('i.assignee = ?');
    params.push(f.assignee);
  }
  if (f.namespaces) {
    if (f.namespaces.length === 0) parts.push('0');
    else {
      parts.push(
        `EXISTS (SELECT 1 FROM incident_namespaces n WHERE n.incident_id = i.id AND n.namespace IN (${f.namespaces.map(() => '?').join(', ')}))`,
      );
      params.push(...f.namespaces);
    }
  }
  if (f.findingId !== undefined) {
    parts.push(
      'EXISTS (SELECT 1 FROM incident_links l WHERE l.incident_id = i.id AND l.finding_id = ?)',
    );
    params.push(f.findingId);
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

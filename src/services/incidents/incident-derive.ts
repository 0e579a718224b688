/** Defaults of a new incident derived from what it is created from (findings, a flow). */
import type { Finding } from '../../domain/detect/finding.js';
import { flowLabel } from '../../domain/incident/message.js';
import type { FlowRef, IncidentKind, IncidentSeverity } from '../../domain/incident/types.js';
import { INCIDENT_SEVERITIES } from '../../domain/incident/types.js';

/** Namespaces of a finding: its subject and, for `ns/workload` peers, the peer's. */
export function findingNamespaces(f: Finding): string[] {
  const out: string[] = [];
  if (f.subject.namespace) out.push(f.subject.namespace);
  const peer = f.subject.peer;
  if (peer && /^[a-z0-9-]{1,63}\/[^/]+$/.test(peer)) out.push(peer.split('/')[0]!);
  return out;
}

export function flowNamespaces(f: FlowRef): string[] {
  return [f.src.namespace, f.dst.namespace].filter((n): n is string => Boolean(n));
}

export function severityFrom(
  findings: readonly Finding[],
  flow: FlowRef | undefined,
): IncidentSeverity {
  let best = -1;
  for (const f of findings) {
    // Findings have an 'info' level below 'low'; an incident is at least low.
    const s = f.severity === 'info' ? 'low' : f.severity;
    best = Math.max(best, INCIDENT_SEVERITIES.indexOf(s));
  }
  if (best >= 0) return INCIDENT_SEVERITIES[best]!;
  return flow?.verdict === 'denied' ? 'medium' : 'low';
}

export function kindFrom(findings: readonly Finding[]): IncidentKind {
  if (findings.length === 0) return 'other';
  if (findings.every((f) => f.type === 'misconfiguration')) return 'misconfiguration';
  if (
    findings.some(
      (f) => f.type !== 'unknown' && f.type !== 'misconfiguration' && f.type !== 'new-connection',
    )
  )
    return 'attack';
  return 'other';
}

export function titleFrom(findings: readonly Finding[], flow: FlowRef | undefined): string {
  const f = findings[0];
  if (f) {
    const where = [f.subject.namespace, f.subject.workload].filter(Boolean).join('/');
    const more = findings.length > 1 ? ` (+${findings.length - 1} more findings)` : '';
    return `${f.type}${where ? ` in ${where}` : ''}${f.subject.peer ? ` with ${f.subject.peer}` : ''}${more}`.slice(
      0,
      300,
    );
  }
  if (flow)
    return `${flow.verdict === 'denied' ? 'Denied' : 'Flow'}: ${flowLabel(flow)}`.slice(0, 300);
  return 'Incident';
}

/** The workload an incident is about, as `<ns>/<Kind>/<name>` when known, or `<ns>/<name>`. */
export function workloadOf(findings: readonly Finding[], flows: readonly FlowRef[]): string | null {
  for (const f of findings) {
    if (f.subject.namespace && f.subject.workload)
      return `${f.subject.namespace}/${f.subject.workload}`;
  }
  for (const fl of flows) {
    // A denied or suspicious flow: its source is the workload that acted.
    if (fl.src.namespace && fl.src.workload) return `${fl.src.namespace}/${fl.src.workload}`;
  }
  return null;
}

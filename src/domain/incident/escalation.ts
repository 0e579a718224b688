/**
 * Escalation guidance from the incident policy: which response an incident calls for and how
 * long is left to give it. Escalating up a reporting chain adds delay, and delay favours the
 * attacker, so the guidance names the action and the clock, not a process.
 */
import type { FindingType, Severity } from '../detect/finding.js';
import { SEVERITIES } from '../detect/finding.js';
import type { Incident, IncidentKind } from './types.js';

export type EscalationAction = 'take-offline' | 'quarantine' | 'notify' | 'investigate';

export interface EscalationRule {
  name: string;
  /** Matches when a linked finding has one of these types (and the severity and ongoing checks hold for it). */
  findingTypes?: readonly FindingType[];
  incidentKinds?: readonly IncidentKind[];
  minSeverity?: Severity;
  ongoing?: boolean;
  action: EscalationAction;
  targetMs: number;
  text?: string;
}

/** What the policy needs to know of a linked finding. */
export interface LinkedFindingFacts {
  type: FindingType;
  severity: Severity;
  status: 'open' | 'closed';
  start: number;
}

const M = 60_000;
const H = 60 * M;

const TEXT: Record<EscalationAction, string> = {
  'take-offline':
    'An attack is under way: take the workload offline now (scale it to zero or apply the quarantine), then investigate. Delay favours the attacker.',
  quarantine:
    'Contain the workload: apply the quarantine policy so it cannot reach anything else, then investigate.',
  notify:
    'Most likely a misconfiguration: notify the owning developers with the evidence and the suggested NetworkPolicy fix.',
  investigate: 'Investigate: look at the evidence and decide between containing and notifying.',
};

/** The built-in incident policy, checked after any configured rules. */
export const DEFAULT_ESCALATION_RULES: readonly EscalationRule[] = [
  {
    name: 'ongoing exfiltration or amplification',
    findingTypes: ['exfiltration', 'amplification'],
    minSeverity: 'high',
    ongoing: true,
    action: 'take-offline',
    targetMs: 15 * M,
  },
  {
    name: 'lateral movement or scanning',
    findingTypes: ['port-scan', 'ip-sweep', 'blocked-egress'],
    minSeverity: 'medium',
    action: 'quarantine',
    targetMs: H,
  },
  {
    name: 'exfiltration or amplification',
    findingTypes: ['exfiltration', 'amplification', 'traffic-spike'],
    minSeverity: 'medium',
    action: 'quarantine',
    targetMs: H,
  },
  {
    name: 'severe attack',
    incidentKinds: ['attack'],
    minSeverity: 'high',
    action: 'quarantine',
    targetMs: H,
  },
  {
    name: 'misconfiguration',
    findingTypes: ['misconfiguration'],
    action: 'notify',
    targetMs: 24 * H,
  },
  {
    name: 'misconfiguration',
    incidentKinds: ['misconfiguration'],
    action: 'notify',
    targetMs: 24 * H,
  },
  { name: 'attack', incidentKinds: ['attack'], action: 'investigate', targetMs: 4 * H },
  { name: 'anything else', action: 'investigate', targetMs: 24 * H },
];

export interface EscalationGuidance {
  rule: string;
  action: EscalationAction;
  text: string;
  detectedAt: number;
  /** Time from detection to containment (or to now while not contained). */
  elapsedMs: number;
  targetMs: number;
  /** Not yet contained and past the target. */
  overdue: boolean;
  /** The response has been given: the incident is contained, resolved or closed. */
  responded: boolean;
  /** Some linked finding is still open: the activity goes on. */
  ongoing: boolean;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

function ruleMatches(
  r: EscalationRule,
  i: Incident,
  findings: readonly LinkedFindingFacts[],
): boolean {
  if (r.incidentKinds && !r.incidentKinds.includes(i.kind)) return false;
  if (r.findingTypes) {
    return findings.some(
      (f) =>
        r.findingTypes!.includes(f.type) &&
        (!r.minSeverity || rank(f.severity) >= rank(r.minSeverity)) &&
        (!r.ongoing || f.status === 'open'),
    );
  }
  if (r.minSeverity && rank(i.severity) < rank(r.minSeverity)) return false;
  if (r.ongoing && !findings.some((f) => f.status === 'open')) return false;
  return true;
}

/**
 * @example escalationFor(incident, [{ type: 'exfiltration', severity: 'high', status: 'open', start }], now)
 * // { action: 'take-offline', targetMs: 900000, overdue: …, … }
 */
export function escalationFor(
  incident: Incident,
  findings: readonly LinkedFindingFacts[],
  now: number,
  rules: readonly EscalationRule[] = DEFAULT_ESCALATION_RULES,
): EscalationGuidance {
  const rule = rules.find((r) => ruleMatches(r, incident, findings)) ?? {
    name: 'anything else',
    action: 'investigate' as const,
    targetMs: 24 * H,
  };
  const respondedAt = incident.containedAt ?? incident.resolvedAt ?? incident.closedAt;
  const elapsedMs = Math.max(0, (respondedAt ?? now) - incident.detectedAt);
  return {
    rule: rule.name,
    action: rule.action,
    text: rule.text ?? TEXT[rule.action],
    detectedAt: incident.detectedAt,
    elapsedMs,
    targetMs: rule.targetMs,
    overdue: respondedAt === null && elapsedMs > rule.targetMs,
    responded: respondedAt !== null,
    ongoing: findings.some((f) => f.status === 'open'),
  };
}

/** "2 h 5 min", "45 s": for banners and messages. */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

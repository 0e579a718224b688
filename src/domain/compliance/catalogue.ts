/**
 * The compliance control catalogue as data: which regulation or standard clause the product
 * gives evidence for, and which kinds of live evidence support it. Pure data, no I/O.
 */

/** The kinds of evidence the compliance service computes from the stores. */
export const EVIDENCE_KINDS = [
  'review-completion',
  'findings-handled',
  'incidents',
  'coverage',
  'retention',
  'completeness',
  'denied-traffic',
  'external-egress',
  'audit-chain',
  'policy-changes',
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const FRAMEWORKS = [
  'GDPR',
  'HSLF-FS 2016:40',
  'ISO/IEC 27001:2013',
  'ISO/IEC 27001:2022',
] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export interface Control {
  /** Stable identifier used in the API and reports, e.g. `gdpr-32-1-d`. */
  id: string;
  framework: Framework;
  /** The clause as the framework numbers it. */
  clause: string;
  title: string;
  /** In our words: what the clause asks of network controls and how the product answers it. */
  requirement: string;
  /** The evidence that supports the control, most telling first. */
  evidence: readonly EvidenceKind[];
}

const c = (
  id: string,
  framework: Framework,
  clause: string,
  title: string,
  requirement: string,
  evidence: EvidenceKind[],
): Control => ({ id, framework, clause, title, requirement, evidence });

export const CONTROLS: readonly Control[] = [
  c(
    'gdpr-32-1-b',
    'GDPR',
    'Art. 32(1)(b)',
    'Confidentiality and integrity of processing systems',
    'Ongoing confidentiality of the systems: network policies isolate workloads and denied traffic is watched.',
    ['coverage', 'denied-traffic', 'external-egress', 'completeness'],
  ),
  c(
    'gdpr-32-1-d',
    'GDPR',
    'Art. 32(1)(d)',
    'Regular testing, assessment and evaluation',
    'A regular process that evaluates whether the measures work: the daily review, signed off and recorded.',
    ['review-completion', 'findings-handled', 'incidents', 'audit-chain'],
  ),
  c(
    'hslf-18',
    'HSLF-FS 2016:40',
    '18 §',
    'Annual evaluation of protection against unauthorised access',
    'Every year, evaluate protection against internal and external unauthorised network access, from data still held for the whole year.',
    ['retention', 'completeness', 'coverage', 'denied-traffic', 'review-completion', 'incidents'],
  ),
  c(
    'iso13-a13-1-1',
    'ISO/IEC 27001:2013',
    'A.13.1.1',
    'Network controls',
    'Networks are managed and controlled: what policies allow and deny is audited continuously.',
    ['denied-traffic', 'coverage', 'review-completion'],
  ),
  c(
    'iso13-a13-1-2',
    'ISO/IEC 27001:2013',
    'A.13.1.2',
    'Security of network services',
    'Security of network services is agreed and monitored: traffic to external peers is watched.',
    ['external-egress', 'findings-handled'],
  ),
  c(
    'iso13-a13-1-3',
    'ISO/IEC 27001:2013',
    'A.13.1.3',
    'Segregation in networks',
    'Groups of services are segregated: which workloads no policy isolates, and cross-namespace traffic.',
    ['coverage', 'denied-traffic', 'policy-changes'],
  ),
  c(
    'iso22-8-15',
    'ISO/IEC 27001:2022',
    '8.15',
    'Logging',
    'Activity logs are produced, kept and protected: flow records held for the configured tiers and a hash-chained audit log.',
    ['retention', 'completeness', 'audit-chain'],
  ),
  c(
    'iso22-8-16',
    'ISO/IEC 27001:2022',
    '8.16',
    'Monitoring activities',
    'Networks are monitored for anomalous behaviour: detectors, findings handled and the daily review.',
    ['review-completion', 'findings-handled', 'completeness'],
  ),
  c(
    'iso22-8-20',
    'ISO/IEC 27001:2022',
    '8.20',
    'Networks security',
    'Networks are secured, managed and controlled: continuous audit of what policies allow and deny.',
    ['denied-traffic', 'coverage', 'review-completion'],
  ),
  c(
    'iso22-8-22',
    'ISO/IEC 27001:2022',
    '8.22',
    'Segregation of networks',
    'Groups of services are segregated: isolation coverage over time and cross-namespace traffic.',
    ['coverage', 'denied-traffic', 'policy-changes'],
  ),
  c(
    'iso22-5-14',
    'ISO/IEC 27001:2022',
    '5.14',
    'Information transfer',
    'Transfer of information is controlled: egress to external peers is watched for exfiltration.',
    ['external-egress', 'findings-handled', 'incidents'],
  ),
  c(
    'iso22-5-24',
    'ISO/IEC 27001:2022',
    '5.24',
    'Incident management planning and preparation',
    'An incident process is defined: incident policy, owners and escalation guidance in use.',
    ['incidents', 'review-completion'],
  ),
  c(
    'iso22-5-25',
    'ISO/IEC 27001:2022',
    '5.25',
    'Assessment and decision on information security events',
    'Events are assessed and classified: findings are dispositioned in the review.',
    ['findings-handled', 'review-completion'],
  ),
  c(
    'iso22-5-26',
    'ISO/IEC 27001:2022',
    '5.26',
    'Response to information security incidents',
    'Incidents are responded to by documented steps: incidents by status and outcome.',
    ['incidents'],
  ),
  c(
    'iso22-5-27',
    'ISO/IEC 27001:2022',
    '5.27',
    'Learning from information security incidents',
    'Knowledge from incidents strengthens controls: resolved incidents and the coverage that followed.',
    ['incidents', 'coverage', 'policy-changes'],
  ),
  c(
    'iso22-5-28',
    'ISO/IEC 27001:2022',
    '5.28',
    'Collection of evidence',
    'Evidence is collected and preserved: retention held, the audit chain intact, reports hashed.',
    ['retention', 'audit-chain', 'completeness'],
  ),
];

/** What each evidence kind measures, for the UI and the reports. */
export const EVIDENCE_TITLES: Readonly<Record<EvidenceKind, string>> = {
  'review-completion': 'Daily review completion and mean time to review',
  'findings-handled': 'Findings handled (dispositioned or closed) vs open',
  incidents: 'Incidents by status and outcome',
  coverage: 'Policy coverage: isolated vs non-isolated workloads',
  retention: 'Retention actually held vs configured tiers',
  completeness: 'Data completeness: hours with data, lost events',
  'denied-traffic': 'Denied traffic recorded (internal and external)',
  'external-egress': 'Allowed egress to external peers watched',
  'audit-chain': 'Hash-chained audit log intact',
  'policy-changes': 'NetworkPolicy change journal',
};

export function controlById(id: string): Control | undefined {
  return CONTROLS.find((x) => x.id === id);
}

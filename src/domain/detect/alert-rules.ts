/**
 * Alert rules (issue: detection and alerting): which conditions raise an alert, and the state
 * machine that turns conditions evaluated over time into firing and resolved alerts. Pure: the
 * inputs (drop counts from rollups, findings, the last review) are handed in by the alerting
 * service, and the clock is a parameter.
 *
 * Semantics follow Prometheus alerting rules so that `deploy/prometheus/rules.yaml` means the
 * same thing: a condition must hold for `forMs` before the alert fires, and a firing alert stays
 * firing until the condition has been false for `keepFiringForMs` (the hysteresis that stops
 * drop alerts flapping, which the reference dashboard's users complained of).
 */
import type { FindingType, Severity } from './finding.js';
import { FINDING_TYPES } from './finding.js';

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

interface RuleBase {
  name: string;
  severity: AlertSeverity;
  /** False: the rule is defined but not evaluated. */
  enabled: boolean;
}

/** Denied traffic to (ingress) or from (egress) a workload, over a sliding window. */
export interface DropRule extends RuleBase {
  kind: 'drops';
  direction: 'ingress' | 'egress';
  windowMs: number;
  /** Fires when the count over the window is strictly above this. */
  threshold: number;
  forMs: number;
  keepFiringForMs: number;
}

/** An open finding of one type (at or above a severity). Resolves when the finding closes. */
export interface FindingRule extends RuleBase {
  kind: 'finding';
  findingType: FindingType;
  minSeverity: Severity;
}

/** No daily review signed off for a cluster within `maxAgeMs`. */
export interface ReviewRule extends RuleBase {
  kind: 'review-overdue';
  maxAgeMs: number;
}

export type AlertRule = DropRule | FindingRule | ReviewRule;

const M = 60_000;
const H = 60 * M;

function dropRule(name: string, direction: DropRule['direction'], frequent: boolean): DropRule {
  return frequent
    ? {
        kind: 'drops',
        name,
        severity: 'warning',
        enabled: true,
        direction,
        windowMs: 15 * M,
        threshold: 0,
        forMs: 5 * M,
        keepFiringForMs: 15 * M,
      }
    : {
        kind: 'drops',
        name,
        severity: 'info',
        enabled: true,
        direction,
        windowMs: 3 * H,
        threshold: 20,
        forMs: 6 * H,
        keepFiringForMs: H,
      };
}

/** `port-scan` → `FindingPortScan`. */
export function findingAlertName(type: FindingType): string {
  return `Finding${type
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')}`;
}

const FINDING_ALERT_SEVERITY: Readonly<Record<FindingType, AlertSeverity>> = {
  misconfiguration: 'info',
  'port-scan': 'critical',
  'ip-sweep': 'critical',
  'external-probe': 'warning',
  'blocked-egress': 'warning',
  unknown: 'info',
  'traffic-spike': 'warning',
  exfiltration: 'critical',
  amplification: 'critical',
  'new-connection': 'info',
};

/** The built-in rules: the reference's four drop alerts, one per finding type, review overdue. */
export const BUILTIN_ALERT_RULES: readonly AlertRule[] = [
  dropRule('FrequentPacketsDroppedToWorkload', 'ingress', true),
  dropRule('FrequentPacketsDroppedFromWorkload', 'egress', true),
  dropRule('ScarcePacketsDroppedToWorkload', 'ingress', false),
  dropRule('ScarcePacketsDroppedFromWorkload', 'egress', false),
  ...FINDING_TYPES.map((t): FindingRule => ({
    kind: 'finding',
    name: findingAlertName(t),
    severity: FINDING_ALERT_SEVERITY[t],
    enabled: true,
    findingType: t,
    minSeverity: 'info',
  })),
  {
    kind: 'review-overdue',
    name: 'DailyReviewOverdue',
    severity: 'warning',
    enabled: true,
    maxAgeMs: 26 * H,
  },
];

/** Configured rules replace built-ins of the same name; new names are added. */
export function mergeAlertRules(
  builtin: readonly AlertRule[],
  configured: readonly AlertRule[],
): AlertRule[] {
  const byName = new Map(builtin.map((r) => [r.name, r]));
  for (const r of configured) byName.set(r.name, r);
  return [...byName.values()];
}

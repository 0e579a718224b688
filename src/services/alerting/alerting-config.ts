/**
 * Resolves the `alerting` section of the configuration into rules, receivers and timings,
 * over the built-in rules and Alertmanager-like defaults.
 */
import type { AlertRuleConfig } from '../../api/alerting-schema.js';
import type { Config } from '../../api/config-schema.js';
import {
  type AlertRule,
  BUILTIN_ALERT_RULES,
  mergeAlertRules,
} from '../../domain/detect/alert-rules.js';
import { resolveReviewConfig } from '../review/review-config.js';
import type { NotifyTiming } from './webhook-receiver.js';

export interface ResolvedAlerting {
  enabled: boolean;
  rules: AlertRule[];
  alertmanager: { url: string; resendMs: number } | null;
  webhooks: { name: string; url: string; format: 'json' | 'slack' }[];
  timing: NotifyTiming;
  evaluationIntervalMs: number;
  externalUrl: string;
  runbookUrl: string;
}

export const ALERTING_DEFAULTS = {
  groupBy: ['alertname', 'cluster', 'namespace'],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3_600_000,
  evaluationIntervalMs: 60_000,
  resendMs: 60_000,
  /** Relative until `alerting.runbookUrl` says where docs/runbooks.md is published. */
  runbookUrl: 'docs/runbooks.md',
} as const;

function applyRule(base: AlertRule | undefined, c: AlertRuleConfig): AlertRule {
  const kind = c.kind ?? base?.kind;
  const missing = (what: string): never => {
    throw new Error(`alerting.rules: rule ${c.name} needs ${what}`);
  };
  if (base && c.kind && c.kind !== base.kind)
    missing(`kind ${base.kind} (it replaces the built-in rule of that name)`);
  const common = {
    name: c.name,
    severity: c.severity ?? base?.severity ?? 'warning',
    enabled: c.enabled ?? base?.enabled ?? true,
  };
  if (kind === 'drops') {
    const b = base?.kind === 'drops' ? base : undefined;
    return {
      ...common,
      kind,
      direction: c.direction ?? b?.direction ?? missing('direction'),
      windowMs: c.window ?? b?.windowMs ?? missing('window'),
      threshold: c.threshold ?? b?.threshold ?? 0,
      forMs: c.for ?? b?.forMs ?? 0,
      keepFiringForMs: c.keepFiringFor ?? b?.keepFiringForMs ?? 0,
    };
  }
  if (kind === 'finding') {
    const b = base?.kind === 'finding' ? base : undefined;
    return {
      ...common,
      kind,
      findingType: c.findingType ?? b?.findingType ?? missing('findingType'),
      minSeverity: c.minSeverity ?? b?.minSeverity ?? 'info',
    };
  }
  if (kind === 'review-overdue') {
    const b = base?.kind === 'review-overdue' ? base : undefined;
    return { ...common, kind, maxAgeMs: c.maxAge ?? b?.maxAgeMs ?? 26 * 3_600_000 };
  }
  return missing('kind (drops, finding or review-overdue)');
}

/** @example const alerting = resolveAlerting(loadConfig({ env: process.env })) */
export function resolveAlerting(config: Config): ResolvedAlerting {
  const a = config.alerting ?? {};
  // The built-in overdue rule follows the review cadence (+ grace) unless a rule overrides it.
  const review = resolveReviewConfig(config);
  const builtins = BUILTIN_ALERT_RULES.map((r) =>
    r.kind === 'review-overdue' ? { ...r, maxAgeMs: review.cadenceMs + review.graceMs } : r,
  );
  const builtin = new Map(builtins.map((r) => [r.name, r]));
  const configured = (a.rules ?? []).map((c) => applyRule(builtin.get(c.name), c));
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const scheme = config.server.tlsCert ? 'https' : 'http';
  return {
    enabled: a.enabled ?? true,
    rules: mergeAlertRules(builtins, configured),
    alertmanager: a.receivers?.alertmanager
      ? {
          url: a.receivers.alertmanager.url,
          resendMs: a.receivers.alertmanager.resendInterval ?? ALERTING_DEFAULTS.resendMs,
        }
      : null,
    webhooks: (a.receivers?.webhooks ?? []).map((w, i) => ({
      name: w.name ?? `webhook-${i}`,
      url: w.url,
      format: w.format ?? 'json',
    })),
    timing: {
      groupBy: a.groupBy ?? [...ALERTING_DEFAULTS.groupBy],
      groupWaitMs: a.groupWait ?? ALERTING_DEFAULTS.groupWaitMs,
      groupIntervalMs: a.groupInterval ?? ALERTING_DEFAULTS.groupIntervalMs,
      repeatIntervalMs: a.repeatInterval ?? ALERTING_DEFAULTS.repeatIntervalMs,
    },
    evaluationIntervalMs: a.evaluationInterval || ALERTING_DEFAULTS.evaluationIntervalMs,
    externalUrl: (a.externalUrl ?? `${scheme}://${host}:${config.server.port}`).replace(/\/+$/, ''),
    runbookUrl: a.runbookUrl ?? ALERTING_DEFAULTS.runbookUrl,
  };
}

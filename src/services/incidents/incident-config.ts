/** Resolves the `incidents` configuration section to what the feature uses, with its defaults. */
import type { Config } from '../../api/config-schema.js';
import { DEFAULT_ESCALATION_RULES, type EscalationRule } from '../../domain/incident/escalation.js';
import {
  DEFAULT_OWNER_KEYS,
  type OwnerContacts,
  type OwnerKeys,
} from '../../domain/incident/owners.js';

export interface NotifyWebhook {
  name: string;
  url: string;
  format: 'json' | 'slack';
}

export interface IncidentSettings {
  ownerKeys: OwnerKeys;
  ownerMode: 'merge' | 'replace';
  owners: Record<string, Partial<OwnerContacts>>;
  webhooks: NotifyWebhook[];
  externalUrl: string | null;
  notifyTimeoutMs: number;
  clusterWebhooks: boolean;
  rules: EscalationRule[];
  quarantine: { keepDns: boolean; keepMonitoringFrom: string | null };
}

export function incidentSettings(config: Config): IncidentSettings {
  const c = config.incidents ?? {};
  const owners: Record<string, Partial<OwnerContacts>> = {};
  for (const [ns, o] of Object.entries(c.owners?.namespaces ?? {})) {
    owners[ns] = {
      ...(o.team !== undefined ? { team: o.team } : {}),
      ...(o.email !== undefined ? { email: o.email } : {}),
      ...(o.slack !== undefined ? { slack: o.slack } : {}),
      ...(o.webhook !== undefined ? { webhook: o.webhook } : {}),
      ...(o.webhookFormat !== undefined ? { webhookFormat: o.webhookFormat } : {}),
    };
  }
  const configured: EscalationRule[] = (c.policy?.rules ?? []).map((r) => ({
    name: r.name,
    action: r.action,
    targetMs: r.target,
    ...(r.findingTypes ? { findingTypes: r.findingTypes } : {}),
    ...(r.incidentKinds ? { incidentKinds: r.incidentKinds } : {}),
    ...(r.minSeverity ? { minSeverity: r.minSeverity } : {}),
    ...(r.ongoing !== undefined ? { ongoing: r.ongoing } : {}),
    ...(r.text ? { text: r.text } : {}),
  }));
  return {
    ownerKeys: { ...DEFAULT_OWNER_KEYS, ...c.owners?.keys },
    ownerMode: c.owners?.mode ?? 'merge',
    owners,
    webhooks: (c.notify?.webhooks ?? []).map((w, i) => ({
      name: w.name ?? `webhook-${i + 1}`,
      url: w.url,
      format: w.format ?? (new URL(w.url).hostname === 'hooks.slack.com' ? 'slack' : 'json'),
    })),
    externalUrl: c.notify?.externalUrl ?? config.alerting?.externalUrl ?? null,
    notifyTimeoutMs: c.notify?.timeout ?? 10_000,
    clusterWebhooks: c.notify?.clusterWebhooks ?? false,
    rules: [...configured, ...(c.policy?.builtInRules === false ? [] : DEFAULT_ESCALATION_RULES)],
    quarantine: {
      keepDns: c.quarantine?.keepDns ?? true,
      keepMonitoringFrom: c.quarantine?.keepMonitoringFrom ?? null,
    },
  };
}

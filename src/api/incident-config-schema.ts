/**
 * Configuration of incidents (docs/incidents.md): the incident policy (escalation guidance),
 * namespace owners and their contacts, and where "Notify developers" sends. Every key optional;
 * the feature resolves defaults (src/services/incidents/incident-config.ts).
 */
import { z } from 'zod';

import { FINDING_TYPES, SEVERITIES } from '../domain/detect/finding.js';
import { parseAlertDuration } from './alerting-schema.js';

const Duration = z.unknown().transform((v, ctx) => {
  const ms = parseAlertDuration(v);
  if (ms === null) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration like 15m, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return ms;
}) as unknown as z.ZodType<number>;

const HttpUrl = z
  .string()
  .refine((v) => /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v), 'expected an http(s) URL');

const LabelKey = z.string().regex(/^[A-Za-z0-9._/-]{1,253}$/, 'expected a label or annotation key');

export const OwnerConfigSchema = z.strictObject({
  team: z.optional(z.string().min(1).max(200)),
  email: z.optional(z.array(z.string().regex(/^[^\s@]+@[^\s@]+$/, 'expected an e-mail address'))),
  slack: z.optional(z.string().min(1).max(200)),
  webhook: z.optional(HttpUrl),
  /** Format of `webhook`; default slack when the URL is on hooks.slack.com, else json. */
  webhookFormat: z.optional(z.enum(['json', 'slack'])),
});
export type OwnerConfig = z.infer<typeof OwnerConfigSchema>;

export const ESCALATION_ACTIONS = ['take-offline', 'quarantine', 'notify', 'investigate'] as const;

export const EscalationRuleConfigSchema = z.strictObject({
  /** Shown on the banner and in the audit log. */
  name: z.string().min(1).max(100),
  findingTypes: z.optional(z.array(z.enum(FINDING_TYPES))),
  incidentKinds: z.optional(z.array(z.enum(['attack', 'misconfiguration', 'other']))),
  minSeverity: z.optional(z.enum(SEVERITIES)),
  /** Only while a linked finding is still open (activity ongoing). */
  ongoing: z.optional(z.boolean()),
  action: z.enum(ESCALATION_ACTIONS),
  /** Respond within this time from detection. */
  target: Duration,
  text: z.optional(z.string().max(500)),
});
export type EscalationRuleConfig = z.infer<typeof EscalationRuleConfigSchema>;

export const IncidentConfigLayerSchema = z.strictObject({
  owners: z.optional(
    z.strictObject({
      /** Namespace label (or annotation, when the cluster model keeps them) keys read for owners. */
      keys: z.optional(
        z.strictObject({
          team: z.optional(LabelKey),
          email: z.optional(LabelKey),
          slack: z.optional(LabelKey),
          webhook: z.optional(LabelKey),
        }),
      ),
      /** merge (default): config fills or overrides fields of the cluster's; replace: config alone. */
      mode: z.optional(z.enum(['merge', 'replace'])),
      namespaces: z.optional(z.record(z.string().min(1).max(253), OwnerConfigSchema)),
    }),
  ),
  notify: z.optional(
    z.strictObject({
      /** Sent to every one of these, in addition to the owners' own webhooks. */
      webhooks: z.optional(
        z.array(
          z.strictObject({
            name: z.optional(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/)),
            url: HttpUrl,
            format: z.optional(z.enum(['json', 'slack'])),
          }),
        ),
      ),
      /**
       * Also send to webhook URLs read from namespace labels or annotations. Default false:
       * whoever can annotate a namespace could otherwise point the server at any URL (SSRF) and
       * receive evidence about other namespaces.
       */
      clusterWebhooks: z.optional(z.boolean()),
      /** Base URL of the UI; messages link to the incident. */
      externalUrl: z.optional(HttpUrl),
      timeout: z.optional(Duration),
    }),
  ),
  policy: z.optional(
    z.strictObject({
      /** Checked in order before the built-in rules; the first match wins. */
      rules: z.optional(z.array(EscalationRuleConfigSchema)),
      /** False: only the configured rules apply. Default true. */
      builtInRules: z.optional(z.boolean()),
    }),
  ),
  quarantine: z.optional(
    z.strictObject({
      keepDns: z.optional(z.boolean()),
      keepMonitoringFrom: z.optional(z.string().min(1).max(253)),
    }),
  ),
});
export type IncidentConfigLayer = z.infer<typeof IncidentConfigLayerSchema>;

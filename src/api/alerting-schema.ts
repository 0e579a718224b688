/**
 * The `detection` and `alerting` sections of the configuration (docs/configuration.md,
 * docs/alerting.md). Rules given here replace built-in rules of the same name field by field;
 * a new name needs a complete rule.
 */
import { z } from 'zod';

import { FINDING_TYPES, SEVERITIES } from '../domain/detect/finding.js';
import { type DetectOptionsInput, resolveDetectOptions } from '../domain/detect/options.js';
import { parseDuration } from '../domain/time.js';

/** `15m`, `3h`, `0` (the grammar of `parseDuration`); null when not a duration. */
export function parseAlertDuration(v: unknown): number | null {
  if (v === 0 || v === '0') return 0;
  return typeof v === 'string' ? parseDuration(v) : null;
}

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

export const AlertRuleConfigSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an alert name like MyAlert'),
  kind: z.optional(z.enum(['drops', 'finding', 'review-overdue'])),
  enabled: z.optional(z.boolean()),
  severity: z.optional(z.enum(['info', 'warning', 'critical'])),
  direction: z.optional(z.enum(['ingress', 'egress'])),
  window: z.optional(Duration),
  threshold: z.optional(z.number().min(0)),
  for: z.optional(Duration),
  keepFiringFor: z.optional(Duration),
  findingType: z.optional(z.enum(FINDING_TYPES)),
  minSeverity: z.optional(z.enum(SEVERITIES)),
  maxAge: z.optional(Duration),
});
export type AlertRuleConfig = z.infer<typeof AlertRuleConfigSchema>;

export const AlertingConfigLayerSchema = z.strictObject({
  /** False: no rule is evaluated and nothing is sent. Default true. */
  enabled: z.optional(z.boolean()),
  rules: z.optional(z.array(AlertRuleConfigSchema)),
  receivers: z.optional(
    z.strictObject({
      alertmanager: z.optional(
        z.strictObject({ url: HttpUrl, resendInterval: z.optional(Duration) }),
      ),
      webhooks: z.optional(
        z.array(
          z.strictObject({
            name: z.optional(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/)),
            url: HttpUrl,
            format: z.optional(z.enum(['json', 'slack'])),
          }),
        ),
      ),
    }),
  ),
  groupBy: z.optional(z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/))),
  groupWait: z.optional(Duration),
  groupInterval: z.optional(Duration),
  repeatInterval: z.optional(Duration),
  evaluationInterval: z.optional(Duration),
  /** Base URL of the UI as users reach it; alert links (generatorURL) start with it. */
  externalUrl: z.optional(HttpUrl),
  /** Where docs/runbooks.md is published; each alert links to its anchor. */
  runbookUrl: z.optional(HttpUrl),
});
export type AlertingConfigLayer = z.infer<typeof AlertingConfigLayerSchema>;

/** Detection options: validated by the detectors' own resolver, so both agree on every key. */
export const DetectionConfigLayerSchema = z.unknown().transform((v, ctx) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    ctx.addIssue({ code: 'custom', message: 'expected a mapping of detection options' });
    return z.NEVER;
  }
  try {
    resolveDetectOptions(v as DetectOptionsInput);
    return v as DetectOptionsInput;
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
}) as unknown as z.ZodType<DetectOptionsInput>;

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { AlertingConfigLayerSchema } from '../../api/alerting-schema.js';
import { CONFIG_DEFAULTS } from '../../api/config-schema.js';
import { ConfigError, loadConfig } from '../config.js';
import { resolveAlerting } from './alerting-config.js';

function withAlerting(alerting: unknown): ReturnType<typeof resolveAlerting> {
  const config = structuredClone(CONFIG_DEFAULTS);
  config.alerting = alerting === undefined ? undefined : AlertingConfigLayerSchema.parse(alerting);
  return resolveAlerting(config);
}

describe('alerting configuration', () => {
  it('defaults to the built-in rules, no receivers and Alertmanager-like timings', () => {
    const a = withAlerting(undefined);
    expect(a.rules.map((r) => r.name)).toContain('FrequentPacketsDroppedToWorkload');
    expect(a.rules.map((r) => r.name)).toContain('DailyReviewOverdue');
    expect(a.rules).toHaveLength(15);
    expect(a.alertmanager).toBeNull();
    expect(a.timing).toEqual({
      groupBy: ['alertname', 'cluster', 'namespace'],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
    });
    expect(a.externalUrl).toBe('http://127.0.0.1:8080');
  });

  it('lets the overdue rule follow the review cadence and grace', () => {
    const overdue = (c: typeof CONFIG_DEFAULTS): unknown =>
      resolveAlerting(c).rules.find((r) => r.name === 'DailyReviewOverdue');
    expect(overdue(structuredClone(CONFIG_DEFAULTS))).toMatchObject({ maxAgeMs: 26 * 3_600_000 });
    const weekly = structuredClone(CONFIG_DEFAULTS);
    weekly.review = { cadence: 7 * 86_400_000, grace: 3_600_000 };
    expect(overdue(weekly)).toMatchObject({ maxAgeMs: 7 * 86_400_000 + 3_600_000 });
  });

  it('overrides a built-in rule field by field and adds complete new rules', () => {
    const a = withAlerting({
      rules: [
        { name: 'FrequentPacketsDroppedToWorkload', for: '10m' },
        { name: 'FindingNewConnection', enabled: false },
        { name: 'LotsOfDrops', kind: 'drops', direction: 'egress', window: '1h', threshold: 1000 },
      ],
    });
    const frequent = a.rules.find((r) => r.name === 'FrequentPacketsDroppedToWorkload');
    expect(frequent).toMatchObject({ forMs: 600_000, windowMs: 900_000, keepFiringForMs: 900_000 });
    expect(a.rules.find((r) => r.name === 'FindingNewConnection')?.enabled).toBe(false);
    expect(a.rules.find((r) => r.name === 'LotsOfDrops')).toMatchObject({
      kind: 'drops',
      windowMs: 3_600_000,
      threshold: 1000,
      forMs: 0,
    });
  });

  it('refuses an incomplete new rule, naming what it lacks', () => {
    expect(() => withAlerting({ rules: [{ name: 'Half', kind: 'drops' }] })).toThrow(
      /rule Half needs direction/,
    );
  });

  it('validates the YAML keys: receivers, durations and detection options', () => {
    const env = {};
    const bad = (layer: string): string => {
      try {
        loadConfig({ env, configPath: writeTemp(layer) });
        return 'accepted';
      } catch (err) {
        return err instanceof ConfigError ? err.message : String(err);
      }
    };
    expect(bad('alerting:\n  groupWait: soon\n')).toContain('expected a duration like 15m');
    expect(bad('alerting:\n  receivers:\n    webhooks:\n      - url: ftp://x\n')).toContain(
      'expected an http(s) URL',
    );
    expect(bad('detection:\n  denied:\n    nope: 1\n')).toContain(
      'unknown detection option denied.nope',
    );
    expect(
      bad(
        'detection:\n  denied:\n    portScanMinPorts: 20\nalerting:\n  receivers:\n    alertmanager:\n      url: http://am:9093\n',
      ),
    ).toBe('accepted');
  });
});

function writeTemp(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'netsec-alerting-config-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
}

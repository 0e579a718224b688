import { describe, expect, it } from 'vitest';

import { CONFIG_DEFAULTS } from '../../api/config-schema.js';
import { IncidentConfigLayerSchema } from '../../api/incident-config-schema.js';
import { incidentSettings } from './incident-config.js';

describe('incidents configuration', () => {
  it('parses durations, owners and webhooks, and resolves defaults', () => {
    const layer = IncidentConfigLayerSchema.parse({
      owners: { mode: 'merge', namespaces: { shop: { team: 'shop', email: ['a@b.se'] } } },
      notify: {
        webhooks: [
          { url: 'https://hooks.slack.com/services/x' },
          { name: 'tickets', url: 'https://t.example/h' },
        ],
        timeout: '5s',
      },
      policy: {
        rules: [{ name: 'r', findingTypes: ['port-scan'], action: 'take-offline', target: '10m' }],
      },
    });
    const s = incidentSettings({ ...CONFIG_DEFAULTS, incidents: layer });
    expect(s.webhooks).toEqual([
      { name: 'webhook-1', url: 'https://hooks.slack.com/services/x', format: 'slack' },
      { name: 'tickets', url: 'https://t.example/h', format: 'json' },
    ]);
    expect(s.notifyTimeoutMs).toBe(5000);
    expect(s.rules[0]).toEqual({
      name: 'r',
      findingTypes: ['port-scan'],
      action: 'take-offline',
      targetMs: 600_000,
    });
    expect(s.rules.length).toBeGreaterThan(1);
    expect(s.owners['shop']).toEqual({ team: 'shop', email: ['a@b.se'] });
    expect(s.ownerKeys.team).toBe('netsec.io/owner');
    expect(s.quarantine).toEqual({ keepDns: true, keepMonitoringFrom: null });
    expect(incidentSettings(CONFIG_DEFAULTS).rules.length).toBeGreaterThan(0);
  });

  it('refuses unknown keys, bad URLs, bad durations and unknown actions', () => {
    expect(
      IncidentConfigLayerSchema.safeParse({
        notify: { webhooks: [{ url: 'javascript:alert(1)' }] },
      }).success,
    ).toBe(false);
    expect(IncidentConfigLayerSchema.safeParse({ notify: { timeout: 'soon' } }).success).toBe(
      false,
    );
    expect(
      IncidentConfigLayerSchema.safeParse({
        policy: { rules: [{ name: 'x', action: 'panic', target: '1m' }] },
      }).success,
    ).toBe(false);
    expect(IncidentConfigLayerSchema.safeParse({ owner: {} }).success).toBe(false);
  });
});

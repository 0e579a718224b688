import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { CONFIG_DEFAULTS } from '../api/config-schema.js';
import { SHOP_MANIFESTS } from '../testing/netsec-cli.js';
import { startServer } from './server.js';

const BARE_LINE = JSON.stringify({
  flow: {
    time: '2025-03-04T09:15:00.123Z',
    verdict: 'DROPPED',
    drop_reason_desc: 'POLICY_DENIED',
    event_type: { type: 1, sub_type: 133 },
    IP: { source: '10.1.0.12', destination: '198.51.100.9', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 40000, destination_port: 443 } },
    traffic_direction: 'EGRESS',
  },
});

describe('startServer with ingest.manifests', () => {
  it('enriches endpoints of ingested flows from the cluster model', async () => {
    const config = structuredClone(CONFIG_DEFAULTS);
    config.store.path = join(mkdtempSync(join(tmpdir(), 'netsec-serve-manifests-')), 'n.db');
    config.server.port = 0;
    config.log.level = 'silent';
    config.ingest.manifests = [SHOP_MANIFESTS];
    const server = await startServer(config, { handleSignals: false });
    try {
      const { token } = await server.services.tokens.create('t', null);
      const r = await fetch(`${server.url}/api/v1/ingest?format=hubble`, {
        method: 'POST',
        body: `${BARE_LINE}\n`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      });
      expect(r.status).toBe(200);
      const page = await server.services.store.queryFlows({}, { limit: 10 });
      expect(page.flows[0]?.src).toMatchObject({
        namespace: 'shop-web',
        pod: 'frontend-6d9f7c8b5-k8fj2',
        workload: { kind: 'Deployment', name: 'frontend' },
      });
      expect(page.flows[0]?.dst).toMatchObject({ kind: 'external', externalGroup: 'world' });
    } finally {
      await server.close();
    }
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runNetsec, SHOP_MANIFESTS } from '../testing/netsec-cli.js';

// A dropped flow that names only IPs: no endpoint identities, no workloads.
const BARE_LINE = JSON.stringify({
  flow: {
    time: '2025-03-04T09:15:00.123Z',
    verdict: 'DROPPED',
    drop_reason_desc: 'POLICY_DENIED',
    event_type: { type: 1, sub_type: 133 },
    IP: { source: '10.1.0.11', destination: '8.8.8.8', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 40000, destination_port: 443 } },
    traffic_direction: 'EGRESS',
  },
});

describe('netsec import --manifests (built CLI)', () => {
  it('fills pods and workloads from the manifests; without them keeps what the source says', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsec-import-manifests-'));
    const file = join(dir, 'bare.jsonl');
    writeFileSync(file, `${BARE_LINE}\n`);
    const flowsOf = (db: string): Record<string, unknown>[] => {
      const out = runNetsec(['flows', '--db', db, '--since', '100000d', '--output', 'ndjson']);
      expect(out.status).toBe(0);
      return out.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    };

    const withModel = join(dir, 'with.db');
    const r = runNetsec([
      'import',
      '--format',
      'hubble',
      file,
      '--db',
      withModel,
      '--json',
      '--manifests',
      SHOP_MANIFESTS,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [f] = flowsOf(withModel);
    expect(f?.['src']).toMatchObject({
      kind: 'pod',
      namespace: 'shop-web',
      pod: 'frontend-6d9f7c8b5-x2x7q',
      workload: { kind: 'Deployment', name: 'frontend' },
    });
    expect(f?.['dst']).toMatchObject({ kind: 'external', externalGroup: 'world' });

    const without = join(dir, 'without.db');
    expect(runNetsec(['import', '--format', 'hubble', file, '--db', without]).status).toBe(0);
    const [g] = flowsOf(without);
    expect(g?.['src']).toMatchObject({ namespace: null, workload: null });
  });

  it('fails (exit 1) when no manifest file is found', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsec-import-manifests-'));
    const file = join(dir, 'bare.jsonl');
    writeFileSync(file, `${BARE_LINE}\n`);
    const r = runNetsec([
      'import',
      '--format',
      'hubble',
      file,
      '--db',
      join(dir, 'x.db'),
      '--manifests',
      join(dir, 'missing'),
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no manifest files found/);
  });
});

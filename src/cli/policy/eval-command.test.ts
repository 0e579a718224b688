import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { main } from '../main.js';

const MANIFESTS = `
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
status: {podIP: 10.0.0.2}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: broken, namespace: shop}
spec: {podSelector: {}, ingress: [{ports: [{port: 80, endPort: 10}]}]}
`;

let dir: string;
let stdout: string;
let stderr: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netsec-eval-'));
  writeFileSync(join(dir, 'm.yaml'), MANIFESTS);
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  process.exitCode = undefined;
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const run = (...args: string[]): Promise<void> =>
  main(['node', 'netsec', 'policy', 'eval', ...args]);

describe('netsec policy eval', () => {
  it('answers NDJSON probes in order, with errors on bad lines only', async () => {
    const probes = [
      { from: 'shop/web', to: 'shop/db', protocol: 'TCP', port: 5432 },
      { from: 'shop/web', to: 'shop/db', protocol: 'TCP', port: 80 },
      'this is not json',
      { from: 'shop/ghost', to: 'shop/db', protocol: 'TCP', port: 80 },
      { from: '203.0.113.9', to: '10.0.0.2', protocol: 'TCP', port: 5432 },
    ];
    writeFileSync(
      join(dir, 'p.ndjson'),
      probes.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('\n') + '\n\n',
    );
    await run('--manifests', join(dir, 'm.yaml'), '--probes', join(dir, 'p.ndjson'));
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toEqual({
      ...(probes[0] as object),
      allowed: true,
      egress: { evaluated: true, isolated: false, allowed: true, allowedBy: [], deniedBy: [] },
      ingress: {
        evaluated: true,
        isolated: true,
        allowed: true,
        allowedBy: [{ policy: 'shop/db', rule: 1 }],
        deniedBy: [],
      },
    });
    expect(lines[1].allowed).toBe(false);
    expect(lines[1].ingress.deniedBy).toEqual([
      {
        policy: 'shop/db',
        reason: 'port-mismatch',
        rule: 1,
        detail: 'rule 1 allows 5432/TCP, not 80/TCP',
      },
    ]);
    expect(lines[2].error).toMatch(/malformed JSON/);
    expect(lines[3]).toMatchObject({ from: 'shop/ghost', error: 'from: unknown pod shop/ghost' });
    expect(lines[4]).toMatchObject({ allowed: false, egress: { evaluated: false } });
    expect(stderr).toMatch(
      /m\.yaml \(document 4\): NetworkPolicy shop\/broken spec\.ingress\[0\]\.ports\[0\]\.endPort/,
    );
    expect(process.exitCode).toBe(2);
  });

  it('honours --ip-block-matches-pods and exits 0 when every probe is answered', async () => {
    writeFileSync(
      join(dir, 'np.yaml'),
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: cidr, namespace: shop}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/24}}]}]}\n',
    );
    writeFileSync(
      join(dir, 'p.ndjson'),
      JSON.stringify({ from: 'shop/db', to: 'shop/web', protocol: 'TCP', port: 1 }),
    );
    await run(
      '--manifests',
      join(dir, 'm.yaml'),
      join(dir, 'np.yaml'),
      '--probes',
      join(dir, 'p.ndjson'),
    );
    await run(
      '--manifests',
      join(dir, 'm.yaml'),
      join(dir, 'np.yaml'),
      '--probes',
      join(dir, 'p.ndjson'),
      '--ip-block-matches-pods',
      'false',
    );
    const [withPods, without] = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(withPods.allowed).toBe(true);
    expect(without.allowed).toBe(false);
    expect(process.exitCode).toBe(0);
  });

  it('prints the one-off form as readable text', async () => {
    await run(
      '--manifests',
      join(dir, 'm.yaml'),
      '--from',
      'shop/web',
      '--to',
      'shop/db',
      '--port',
      '80',
    );
    expect(stdout).toContain('shop/web -> shop/db 80/TCP: DENIED');
    expect(stdout).toContain('shop/db: port-mismatch: rule 1 allows 5432/TCP, not 80/TCP');
    expect(process.exitCode).toBe(0);
  });

  it('rejects bad usage with exit code 1', async () => {
    await run('--manifests', join(dir, 'm.yaml'), '--from', 'shop/web');
    expect(process.exitCode).toBe(1);
    expect(stderr).toMatch(/--from, --to and --port go together/);
    process.exitCode = undefined;
    await run(
      '--manifests',
      join(dir, 'm.yaml'),
      '--probes',
      '-',
      '--ip-block-matches-pods',
      'maybe',
    );
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    await run('--manifests', join(dir, 'm.yaml'), '--probes', join(dir, 'nope.ndjson'));
    expect(process.exitCode).toBe(1);
  });
});

// The chart under real Helm (the pinned official binary, docs/adr/0011-real-helm.md): it lints
// clean, renders the same objects as our subset renderer and as the plain manifests, stops
// where a template fails, rejects the values its schema forbids, refuses clusters older than
// its kubeVersion, prints the same NOTES, and packages into an archive that renders the same.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { BAD_VALUES } from './bad-values.js';
import { CHART_DIR, renderChart, REPO_ROOT } from './helm-chart.js';
import { helm, helmTemplate, helmTemplateValues, objectsOf } from './helm-cli.js';
import { FIXTURES, SCENARIOS } from './scenarios.js';

const work = mkdtempSync(join(tmpdir(), 'netsec-helm-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const fixtureFiles = (files: readonly string[]): string[] => files.map((f) => join(FIXTURES, f));
const key = (o: unknown): string => JSON.stringify(o);

describe('the chart under real Helm', () => {
  it('is the pinned Helm 4', () => {
    const r = helm(['version', '--template', '{{.Version}}']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('v4.1.4');
  });

  it.each(SCENARIOS)('helm lint --strict passes with $name', (s) => {
    const r = helm([
      'lint',
      '--strict',
      CHART_DIR,
      ...fixtureFiles(s.files).flatMap((f) => ['-f', f]),
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it.each(SCENARIOS)('helm template renders what the subset renderer renders, $name', (s) => {
    const r = helmTemplate(fixtureFiles(s.files));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const theirs = objectsOf(r.stdout).map(key).sort();
    const ours = renderChart({ values: s.values }).objects.map(key).sort();
    expect(theirs.length).toBeGreaterThan(5);
    expect(theirs).toEqual(ours);
  });

  it.each([
    { name: 'an admin password in values', values: [{ admin: { password: 'correct horse' } }] },
    { name: 'the NetworkPolicy off', values: [{ networkPolicy: { enabled: false } }] },
    {
      name: 'a 53-character release name (the longest Helm takes) in namespace sec, Cilium values',
      values: SCENARIOS[1]!.values,
      release: 'a-long-release-name-for-the-network-security-dashboar',
      namespace: 'sec',
    },
  ])('helm template renders what the subset renderer renders, $name', (c) => {
    const release = { name: c.release, namespace: c.namespace };
    const r = helmTemplateValues(c.values, release);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const ours = renderChart({ values: c.values, releaseName: c.release, namespace: c.namespace });
    expect(objectsOf(r.stdout).map(key).sort()).toEqual(ours.objects.map(key).sort());
  });

  it("stops where a template fails, with the template's message", () => {
    const values = [{ kubernetes: { liveModel: { enabled: true } } }];
    const r = helmTemplateValues(values);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('kubernetes.liveModel needs networkPolicy.kubernetesApi.cidrs');
    expect(() => renderChart({ values })).toThrow(/networkPolicy\.kubernetesApi\.cidrs/);
  });

  it('renders with its default values exactly the objects of deploy/manifests/netsec.yaml', () => {
    const plain = readFileSync(join(REPO_ROOT, 'deploy', 'manifests', 'netsec.yaml'), 'utf8');
    const r = helmTemplate([]);
    expect(r.status).toBe(0);
    expect(objectsOf(r.stdout).map(key).sort()).toEqual(objectsOf(plain).map(key).sort());
  });

  it.each(BAD_VALUES)(
    'refuses to render $what, naming the value',
    ({ what, over, path, helmSays }) => {
      const file = join(work, `${what.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(file, JSON.stringify(over));
      const r = helmTemplate([file]);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain("values don't meet the specifications of the schema");
      expect(r.stderr).toContain(helmSays ?? `at '${path}'`);
    },
  );

  it('refuses a cluster older than its kubeVersion, and takes the oldest it allows', () => {
    const old = helmTemplate([], ['--kube-version', '1.24.17']);
    expect(old.status).not.toBe(0);
    expect(old.stderr).toContain('chart requires kubeVersion: >=1.25.0-0');
    expect(helmTemplate([], ['--kube-version', '1.25.0']).status).toBe(0);
  });

  it('prints on install the NOTES the subset renderer renders', () => {
    const r = helm(['install', 'netsec', CHART_DIR, '--namespace', 'netsec', '--dry-run=client']);
    expect(r.status).toBe(0);
    const notes = r.stdout.slice(r.stdout.indexOf('NOTES:\n') + 'NOTES:\n'.length);
    expect(notes.trim()).toContain('kubectl -n netsec port-forward svc/netsec 8080:8080');
    expect(notes.trim()).toBe(renderChart().notes.trim());
  });

  it('packages into an archive that renders the same objects', () => {
    const r = helm(['package', CHART_DIR, '--destination', work]);
    expect(r.status).toBe(0);
    const archive = join(work, 'netsec-0.1.0.tgz');
    expect(r.stdout).toContain(archive);
    const fromArchive = helm(['template', 'netsec', archive, '--namespace', 'netsec']);
    expect(fromArchive.status).toBe(0);
    expect(objectsOf(fromArchive.stdout).map(key).sort()).toEqual(
      objectsOf(helmTemplate([]).stdout).map(key).sort(),
    );
  });
});

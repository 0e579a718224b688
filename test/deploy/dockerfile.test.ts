// A lint of the Dockerfile as far as a machine without a Docker engine allows: the file is
// parsed into instructions and checked for the properties the deployment relies on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { dockerStages, type Instruction, parseDockerfile } from './dockerfile.js';
import { REPO_ROOT } from './helm-chart.js';

const ins = parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
const stages = dockerStages(ins);
const runtime = stages[stages.length - 1]!;
const args = new Map(
  ins
    .filter((i) => i.op === 'ARG' && i.args.includes('='))
    .map((i) => [i.args.split('=')[0]!, i.args.slice(i.args.indexOf('=') + 1)]),
);

function image(from: Instruction): string {
  const ref = from.args.split(/\s+/)[0]!;
  return ref.replace(/^\$\{(\w+)\}$/, (_m, name: string) => args.get(name) ?? '');
}

describe('Dockerfile', () => {
  it('builds in one stage and runs from another, both on a pinned Node 20 Debian slim image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) {
      const ref = image(s[0]!);
      expect(ref, s[0]!.args).toMatch(
        /^node:20\.\d+\.\d+-(bookworm|trixie)-slim(@sha256:[a-f0-9]{64})?$/,
      );
      expect(s[0]!.args).toMatch(/ AS \w+$/i);
    }
    const build = stages[0]!.map((i) => i.args).join('\n');
    expect(build).toMatch(/npm ci\b/);
    expect(build).toMatch(/npm run build/);
    expect(build).toMatch(/npm prune --omit=dev/);
    expect(runtime.some((i) => i.op === 'COPY' && i.args.includes('--from=build'))).toBe(true);
    // Nothing is installed or compiled in the runtime stage.
    expect(
      runtime
        .filter((i) => i.op === 'RUN')
        .map((i) => i.args)
        .join(' '),
    ).not.toMatch(/npm|apt-get/);
  });

  it('runs as a numeric non-root user, with /data the only directory made writable', () => {
    const users = runtime.filter((i) => i.op === 'USER');
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0]!.args.split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(gid).toBeGreaterThan(0);
    const runs = runtime
      .filter((i) => i.op === 'RUN')
      .map((i) => i.args)
      .join(' ');
    expect(runs).toMatch(new RegExp(`chown ${uid}:${gid} /data`));
    expect(runtime.find((i) => i.op === 'VOLUME')?.args).toContain('/data');
    const env = runtime
      .filter((i) => i.op === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/NETSEC_DB=\/data\/netsec\.db/);
    expect(env).toMatch(/HOST=0\.0\.0\.0/);
    expect(env).toMatch(/TMPDIR=\/tmp/);
  });

  it('checks /healthz with node, exposes 8080 and starts netsec serve', () => {
    const hc = runtime.find((i) => i.op === 'HEALTHCHECK');
    expect(hc?.args).toMatch(/CMD \["node", "-e", ".*\/healthz/);
    expect(hc?.args).not.toMatch(/curl|wget/);
    expect(runtime.find((i) => i.op === 'EXPOSE')?.args).toBe('8080');
    expect(JSON.parse(runtime.find((i) => i.op === 'ENTRYPOINT')!.args)).toEqual([
      'node',
      '/app/bin/netsec',
    ]);
    expect(JSON.parse(runtime.find((i) => i.op === 'CMD')!.args)).toEqual(['serve']);
  });

  it('bakes in no secret and no latest tag', () => {
    for (const i of ins.filter((x) => x.op === 'ENV' || x.op === 'ARG')) {
      expect(i.args, `line ${i.line}`).not.toMatch(/(PASSWORD|TOKEN|SECRET|_KEY|STORE_URL)\s*=/i);
    }
    expect(ins.map((i) => i.args).join('\n')).not.toMatch(/:latest\b/);
  });

  it('keeps local state, secrets and dependencies out of the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['.git', 'node_modules', 'dist', 'data', '.env', '*.pem', '*.key', '.npmrc']) {
      expect(ignored).toContain(p);
    }
  });
});

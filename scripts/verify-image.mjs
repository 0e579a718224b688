#!/usr/bin/env node
// Builds the image from the Dockerfile with Docker or Podman and checks, on a container run with
// the Helm chart's security settings, what docs/deployment.md promises: non-root, no
// capabilities, a read-only root filesystem with /data writable, the image's own HEALTHCHECK
// command, ingest and reads through the API, a clean SIGTERM, and data kept across a restart.
// Needs a container engine; CI has none, so this is the documented long form of the image's
// check (docs/deployment.md#verifying-the-image).
//
//   node scripts/verify-image.mjs [--engine docker|podman] [--node-image REF] [--runtime PATH]
//                                 [--host-network] [--keep]
//
// --node-image   the NODE_IMAGE build argument (a mirror of node:20.20.2-bookworm-slim)
// --runtime      podman's OCI runtime (podman --runtime PATH)
// --host-network run with the host's network and PORT set (for hosts without a bridge network)
// --keep         keep the image, container and volume afterwards
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const { fetch } = globalThis;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const has = (cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const engine = opt('--engine') ?? (has('docker') ? 'docker' : has('podman') ? 'podman' : null);
if (!engine) {
  console.error('verify-image: neither docker nor podman is installed (--engine to choose)');
  process.exit(2);
}
const runtime = opt('--runtime');
const hostNetwork = argv.includes('--host-network');
const KEEP = argv.includes('--keep');
const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
const TAG = `localhost/netsec:verify-${sha}`;
const NAME = `netsec-verify-${sha}-${process.pid}`;
const VOLUME = `${NAME}-data`;
const PASSWORD = 'Verify-Image-2026-netsec';

const base = engine === 'podman' && runtime ? ['--runtime', runtime] : [];
/** Runs the engine; returns stdout, or throws with its stderr. */
function run(args, { input, allowFail = false } = {}) {
  const r = spawnSync(engine, [...base, ...args], { input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0 && !allowFail) {
    throw new Error(
      `${engine} ${args.slice(0, 3).join(' ')} failed: ${r.stderr.toString().trim()}`,
    );
  }
  return { out: r.stdout.toString(), err: r.stderr.toString(), status: r.status };
}
const exec = (args, o) => run(['exec', NAME, ...args], o);

let failed = 0;
function check(label, ok, detail = '') {
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail ? ` (${detail})` : ''}`);
}

async function freePort() {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function waitHealthy(url, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function overview(url, cookie) {
  const to = Date.now();
  const r = await fetch(`${url}/api/v1/dashboard/overview?from=${to - 3_600_000}&to=${to}`, {
    headers: { cookie },
  });
  if (!r.ok) return null;
  const body = await r.json();
  return { denied: body.denied.flows, allowed: body.allowed.current };
}

async function main() {
  // 1. Build from the committed tree only: what a clean clone would build.
  const ctx = mkdtempSync(join(tmpdir(), 'netsec-image-'));
  execFileSync('sh', ['-c', `git archive HEAD | tar -x -C "${ctx}"`], { cwd: ROOT });
  const t = Date.now();
  const nodeImage = opt('--node-image');
  run([
    'build',
    ...(engine === 'podman' ? ['--format', 'docker'] : []),
    ...(hostNetwork ? ['--network', 'host'] : []),
    ...(nodeImage ? ['--build-arg', `NODE_IMAGE=${nodeImage}`] : []),
    '-t',
    TAG,
    ctx,
  ]);
  rmSync(ctx, { recursive: true, force: true });
  const [image] = JSON.parse(run(['image', 'inspect', TAG]).out);
  const config = image.Config ?? image.config;
  const size = Math.round((image.Size ?? 0) / 1e6);
  check('image builds', true, `${Math.round((Date.now() - t) / 1000)} s, ${size} MB`);
  check('image user is 10001:10001', config.User === '10001:10001', config.User);
  // Docker keeps it in Config; Podman (with --format docker) beside it.
  const health = (config.Healthcheck ?? image.Healthcheck)?.Test ?? [];
  check('image has a HEALTHCHECK', health.length > 1, health.slice(0, 2).join(' '));
  check('/data is a volume', Object.keys(config.Volumes ?? {}).includes('/data'));

  // 2. Run it as docs/deployment.md does: read-only root, /tmp in memory, /data a volume.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  run(['volume', 'create', VOLUME]);
  const network = hostNetwork
    ? ['--network', 'host', '-e', `PORT=${port}`, '-e', 'HOST=127.0.0.1']
    : ['-p', `127.0.0.1:${port}:8080`];
  const start = () =>
    run([
      'run',
      '-d',
      '--name',
      NAME,
      // As the Helm chart runs it: read-only root, no capabilities, no privilege escalation.
      '--read-only',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '--tmpfs',
      '/tmp',
      '-v',
      `${VOLUME}:/data`,
      ...network,
      '-e',
      `NETSEC_ADMIN_PASSWORD=${PASSWORD}`,
      TAG,
    ]);
  start();
  check('/healthz answers within 60 s', await waitHealthy(url, 60_000));
  const status = exec(['cat', '/proc/1/status']).out;
  const field = (k) => status.match(new RegExp(`^${k}:\\s+(.*)$`, 'm'))?.[1].trim() ?? '';
  check('the server runs as UID 10001', field('Uid').split(/\s+/)[0] === '10001', field('Uid'));
  check(
    'the server has no capabilities',
    /^0+$/.test(field('CapEff')),
    `CapEff ${field('CapEff')}`,
  );
  const appWrite = exec(['sh', '-c', 'touch /app/x'], { allowFail: true });
  check('/app is read-only', appWrite.status !== 0, appWrite.err.trim().split('\n')[0]);
  check(
    '/data is writable',
    exec(['sh', '-c', 'touch /data/x && rm /data/x'], { allowFail: true }).status === 0,
  );
  const cmd = health[0] === 'CMD' ? health.slice(1) : ['sh', '-c', health[1] ?? 'false'];
  check("the image's HEALTHCHECK command passes", exec(cmd, { allowFail: true }).status === 0);

  // 3. Ingest simulated Hubble flows with an ingest token, then read them as the admin.
  const token = JSON.parse(
    exec(['node', '/app/bin/netsec', 'tokens', 'create', '--name', 'verify', '--json']).out,
  ).token;
  exec([
    'node',
    '/app/bin/netsec',
    'simulate',
    '--format',
    'hubble',
    '--duration',
    '10m',
    '--out',
    '/tmp/flows.ndjson',
  ]);
  const body = exec(['cat', '/tmp/flows.ndjson']).out;
  const lines = body.split('\n').filter((l) => l.trim() !== '').length;
  const ingest = await fetch(`${url}/api/v1/ingest?format=hubble`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body,
  });
  const stored = ingest.ok ? (await ingest.json()).stored : -1;
  check('ingest stores every simulated flow', stored === lines, `${stored} of ${lines}`);
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const cookie = (login.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  check('the admin signs in', login.ok, String(login.status));
  const before = await overview(url, cookie);
  check(
    'the overview counts the flows',
    (before?.denied ?? 0) + (before?.allowed ?? 0) > 0,
    JSON.stringify(before),
  );

  // 4. SIGTERM ends it cleanly; a new container on the same volume has the same data.
  const stopped = Date.now();
  run(['stop', '-t', '20', NAME]);
  const [state] = JSON.parse(run(['inspect', NAME]).out);
  check(
    'SIGTERM: exit code 0',
    state.State.ExitCode === 0,
    `${state.State.ExitCode} after ${Date.now() - stopped} ms`,
  );
  run(['rm', NAME]);
  start();
  await waitHealthy(url, 60_000);
  const after = await overview(url, cookie);
  check(
    'a restart keeps the data and the session',
    JSON.stringify(after) === JSON.stringify(before),
    JSON.stringify(after),
  );
}

try {
  await main();
} catch (err) {
  failed++;
  console.log(`FAIL ${err.message}`);
} finally {
  if (!KEEP) {
    run(['rm', '-f', NAME], { allowFail: true });
    run(['volume', 'rm', '-f', VOLUME], { allowFail: true });
    run(['rmi', '-f', TAG], { allowFail: true });
  }
}
console.log(failed === 0 ? 'image verified' : `${failed} check(s) failed`);
process.exit(failed === 0 ? 0 : 1);

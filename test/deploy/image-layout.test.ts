// The runtime stage of the Dockerfile, rebuilt without Docker: the files its COPY lines take
// from the build stage are laid out the same way, owned by root, and the server is started from
// them as the image's user, with only the data and tmp directories writable. Then the image's
// own HEALTHCHECK command asks /healthz. Needs root (to switch user) and a build (dist/).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { dockerStages, parseDockerfile } from './dockerfile.js';
import { REPO_ROOT } from './helm-chart.js';

const runtime = dockerStages(
  parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')),
).at(-1)!;
const [uid, gid] = runtime
  .find((i) => i.op === 'USER')!
  .args.split(':')
  .map(Number) as [number, number];

function hasSetpriv(): boolean {
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
/** The image user must be able to read the repository's node_modules, which is linked in. */
function userCanRead(path: string): boolean {
  try {
    execFileSync(
      'setpriv',
      ['--reuid', String(uid), '--regid', String(gid), '--clear-groups', 'test', '-r', path],
      { stdio: 'ignore' },
    );
    return true;
  } catch {
    return false;
  }
}
const READY =
  process.getuid?.() === 0 &&
  hasSetpriv() &&
  existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js')) &&
  existsSync(join(REPO_ROOT, 'web', 'dist', 'index.html')) &&
  userCanRead(join(REPO_ROOT, 'node_modules', 'fastify', 'package.json'));

/** Copies what `COPY --from=build /src/<from> ./<to>` takes; node_modules is linked, not copied. */
function layOut(app: string): void {
  for (const i of runtime.filter((x) => x.op === 'COPY' && x.args.startsWith('--from=build'))) {
    const parts = i.args.split(/\s+/).slice(1);
    const to = parts.pop()!;
    for (const from of parts) {
      const src = join(REPO_ROOT, from.replace(/^\/src\/?/, ''));
      const dest = to.endsWith('/') ? join(app, to, from.split('/').pop()!) : join(app, to);
      mkdirSync(dirname(dest), { recursive: true });
      if (from.endsWith('node_modules')) symlinkSync(src, dest);
      else cpSync(src, dest, { recursive: true });
    }
  }
}

describe.skipIf(!READY)(
  'runtime image layout (needs root, setpriv, a build, and node_modules readable by the image user)',
  () => {
    const root = mkdtempSync(join(tmpdir(), 'netsec-image-'));
    let child: ChildProcess | null = null;
    afterAll(() => {
      child?.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    });

    it('serves /healthz as the image user from a tree it cannot write to', async () => {
      const app = join(root, 'app');
      const data = join(root, 'data');
      const tmp = join(root, 'tmp');
      chmodSync(root, 0o755);
      layOut(app);
      for (const d of [data, tmp]) {
        mkdirSync(d);
        execFileSync('chown', [`${uid}:${gid}`, d]);
      }
      const before = readdirSync(app, { recursive: true }).length;
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: '/nonexistent',
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        NETSEC_DB: join(data, 'netsec.db'),
        TMPDIR: tmp,
      };
      const priv = ['--reuid', String(uid), '--regid', String(gid), '--clear-groups'];
      const c = spawn('setpriv', [...priv, 'node', join(app, 'bin', 'netsec'), 'serve'], {
        cwd: '/',
        env,
      });
      child = c;
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no listen line:\n${out}`)), 25_000);
        const onData = (b: Buffer): void => {
          out += b.toString();
          const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        };
        c.stdout.on('data', onData);
        c.stderr.on('data', onData);
        c.on('exit', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
      });
      const hc = runtime.find((i) => i.op === 'HEALTHCHECK')!.args;
      const cmd = JSON.parse(hc.slice(hc.indexOf('CMD') + 3).trim()) as string[];
      const port = new URL(url).port;
      execFileSync('setpriv', [...priv, ...cmd], { env: { ...env, PORT: port }, timeout: 10_000 });
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      c.kill('SIGTERM');
      await new Promise((r) => c.once('exit', r));
      child = null;
      expect(existsSync(join(data, 'netsec.db'))).toBe(true);
      expect(readdirSync(app, { recursive: true }).length).toBe(before);
    });
  },
);

/**
 * Starts the real server in-process for browser tests and the UI benchmark: the Fastify app of
 * src/http/app.ts on a SQLite store in a temporary directory, with the dashboard routes and the
 * built web UI, listening on port 0.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import type { FastifyInstance } from 'fastify';

import { CONFIG_DEFAULTS } from '../src/api/config-schema.js';
import { buildApp } from '../src/http/app.js';
import { buildServices, openFlowStore, type Services } from '../src/services/config-store.js';
import type { PolicyEnginePort } from '../src/services/dashboard/index.js';

export const REPO = resolve(import.meta.dirname, '..');
export const WEB_DIST = join(REPO, 'web', 'dist');

export interface TestServer {
  url: string;
  app: FastifyInstance;
  services: Services;
  dir: string;
  close(): Promise<void>;
}

/** The first admin of the test server (password policy: long enough, mixed). */
export const ADMIN = { username: 'admin', password: 'Review-Daily-2026-netsec' };

export async function startTestServer(opts: {
  now: number;
  /** The dashboard's clock, when a test moves it; default `now`, fixed. */
  clock?: () => number;
  demo?: boolean;
  policy?: PolicyEnginePort | null;
  dbPath?: string;
  /** `server.flowSearchMs`: 0 answers each flow-explorer page after one time slice. */
  flowSearchMs?: number;
}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-e2e-'));
  const config = structuredClone(CONFIG_DEFAULTS);
  config.store.path = opts.dbPath ?? join(dir, 'netsec.db');
  if (opts.flowSearchMs !== undefined) config.server.flowSearchMs = opts.flowSearchMs;
  const services = buildServices(await openFlowStore(config), { config });
  await services.auth.users.bootstrapAdmin(ADMIN.password);
  const demo = opts.demo ?? true;
  const app = await buildApp(
    { ...services, config },
    {
      logger: false,
      info: { demo },
      dashboard: { demo, now: opts.clock ?? (() => opts.now), policy: opts.policy ?? null },
      webDistDir: WEB_DIST,
    },
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    app,
    services,
    dir,
    close: async () => {
      await app.close();
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const f of readdirSync(path)) max = Math.max(max, newestMtime(join(path, f)));
  return max;
}

function isFresh(): boolean {
  const index = join(WEB_DIST, 'index.html');
  const sources = Math.max(
    newestMtime(join(REPO, 'web', 'src')),
    newestMtime(join(REPO, 'src', 'api')),
  );
  return existsSync(index) && statSync(index).mtimeMs >= sources;
}

const LOCK = join(REPO, 'web', '.build-lock');

/**
 * Builds web/dist with Vite when it is missing or older than the sources. Test files run in
 * parallel processes: a lock directory makes one build while the others wait, so that no
 * server lists the files of a build that is being replaced.
 */
export async function ensureWebBuild(): Promise<void> {
  if (isFresh()) return;
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another process builds; a lock older than two minutes is left over from a crash.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 120_000)
        rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() - started > 180_000)
        throw new Error('timed out waiting for the web build lock');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (isFresh()) return;
    // In a process of its own, as `npm run build` does: inside a test process NODE_ENV is
    // "test", and Vite would bundle React's development build (double effects under
    // StrictMode, dev-only checks), which is not what users get.
    await promisify(execFile)(
      process.execPath,
      [
        join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        join(REPO, 'web', 'vite.config.ts'),
        '--logLevel',
        'warn',
      ],
      { cwd: REPO, env: { ...process.env, NODE_ENV: 'production' } },
    );
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * The full app (every route, auth included) on a temporary SQLite store, for the
 * authorisation matrix, abuse and scope tests.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance } from 'fastify';

import type { Config } from '../api/config-schema.js';
import { CONFIG_DEFAULTS } from '../api/config-schema.js';
import type { Flow } from '../domain/flow.js';
import { buildApp } from '../http/app.js';
import type { CollectedRoute } from '../http/auth/plugin.js';
import { buildServices, openFlowStore, type Services } from '../services/config-store.js';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  routes: CollectedRoute[];
  dir: string;
  config: Config;
  close(): Promise<void>;
}

/** @example const t = await buildTestApp({ flows, now: T0 }); await t.app.inject('/healthz') */
export async function buildTestApp(
  options: {
    flows?: Flow[];
    now?: number;
    tune?: (c: Config) => void;
    /** Receives the server's JSON log lines (level info), to prove refusals are logged. */
    log?: (line: Record<string, unknown>) => void;
  } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-auth-'));
  const config = structuredClone(CONFIG_DEFAULTS);
  config.store.path = join(dir, 'netsec.db');
  config.server.bodyLimitBytes = 256 * 1024;
  options.tune?.(config);
  const services = buildServices(await openFlowStore(config), { config });
  if (options.flows?.length)
    await services.store.writeBatch({
      id: 'fixture',
      flows: options.flows,
      source: 'hubble',
      receivedAt: options.now ?? Date.now(),
    });
  const dist = join(dir, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>shell</title>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve');
  const routes: CollectedRoute[] = [];
  const now = options.now ?? Date.now();
  const app = await buildApp(
    { ...services, config },
    {
      logger: options.log
        ? {
            level: 'info',
            stream: {
              write: (line: string) => options.log?.(JSON.parse(line) as Record<string, unknown>),
            },
          }
        : false,
      info: { demo: false },
      dashboard: { demo: false, now: () => now },
      webDistDir: dist,
      onRoute: (r) => routes.push(r),
    },
  );
  await app.ready();
  return {
    app,
    services,
    routes,
    dir,
    config,
    close: async () => {
      await app.close();
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

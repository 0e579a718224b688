/**
 * A governance context on a temporary SQLite store with a pinned clock, for the compliance and
 * report tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Config, CONFIG_DEFAULTS } from '../api/config-schema.js';
import type { Flow } from '../domain/flow.js';
import type { ClusterModel } from '../domain/netpol/index.js';
import { buildServices, openFlowStore, type Services } from '../services/config-store.js';
import type { GovernanceContext } from '../services/governance-context.js';

export interface ReportTestEnv {
  ctx: GovernanceContext;
  services: Services;
  dir: string;
  config: Config;
  write(flows: Flow[], id?: string): Promise<void>;
  close(): Promise<void>;
}

let batchN = 0;

/** @example const env = await reportTestEnv({ now: Date.UTC(2026, 10, 26) }) */
export async function reportTestEnv(
  options: { now: number; tune?: (c: Config) => void; model?: ClusterModel | null } = {
    now: Date.now(),
  },
): Promise<ReportTestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-report-'));
  const config = structuredClone(CONFIG_DEFAULTS);
  config.store.path = join(dir, 'netsec.db');
  options.tune?.(config);
  const services = buildServices(await openFlowStore(config, { durability: 'close' }), {
    config,
    now: () => options.now,
    groupCommit: false,
    model: () => options.model ?? null,
  });
  return {
    ctx: services.governance,
    services,
    dir,
    config,
    write: async (flows, id) => {
      batchN += 1;
      await services.store.writeBatch({
        id: id ?? `fixture-${batchN}`,
        flows,
        source: 'hubble',
        receivedAt: options.now,
      });
    },
    close: async () => {
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

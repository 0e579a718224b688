/** `netsec serve --source …`: live sources ingested into the server's own store. */
import { dirname } from 'node:path';

import type { Config } from '../api/config-schema.js';
import { namedCidrsFor } from '../services/config.js';
import type { Services } from '../services/config-store.js';
import { registerSourceHealth } from '../services/live-model/source-health.js';
import { createSources, SourceRunner } from '../services/source-runner.js';
import { escapeTerminal } from './terminal-escape.js';

export function startServeSources(
  specs: readonly string[],
  config: Config,
  services: Services,
): SourceRunner {
  const cluster = config.ingest.defaultCluster;
  const runner = new SourceRunner({
    sources: createSources(specs, { cluster, stateDir: dirname(config.store.path) }),
    ingest: services.ingest,
    cluster,
    namedCidrs: namedCidrsFor(config, cluster),
    batchSize: config.ingest.batchSize,
    onError: (source, err) =>
      process.stderr.write(
        `netsec serve: source ${escapeTerminal(source.name)}: ${escapeTerminal(err instanceof Error ? err.message : String(err))}\n`,
      ),
  });
  // The server exports every registered source on /metrics and GET /api/v1/sources.
  registerSourceHealth(services.governance, () => runner.health());
  runner.start();
  return runner;
}

/** `netsec serve`: runs the HTTP server on the configured store. */
import type { Command } from 'commander';

import { configFromFlags, DB_FLAG, fatal, STORE_FLAG, type StoreFlags } from './cli-context.js';

interface ServeFlags extends StoreFlags {
  host?: string;
  port?: string;
  manifests?: string[];
  source?: string[];
  kubeconfig?: string;
  kubeContext?: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server (ingest API, /healthz, /readyz, /metrics)')
    .option(...DB_FLAG)
    .option(...STORE_FLAG)
    .option('--host <host>', 'address to bind (default 127.0.0.1, or HOST)')
    .option('--port <port>', 'port to listen on (default 8080, or PORT; 0 picks a free one)')
    .option('--config <file>', 'YAML configuration file (or NETSEC_CONFIG)')
    .option(
      '--manifests <paths...>',
      'Kubernetes manifests (files or directories) whose pods enrich ingested endpoints',
    )
    .option('--source <specs...>', 'live sources to ingest from (docs/sources.md)')
    .option(
      '--kubeconfig <file>',
      'watch this cluster for a live model and policy-change journal (docs/sources.md)',
    )
    .option('--kube-context <name>', 'kubeconfig context to use with --kubeconfig')
    .action(async (opts: ServeFlags) => {
      try {
        const config = configFromFlags(opts, {
          'server.host': opts.host !== undefined ? { flag: '--host', value: opts.host } : undefined,
          'server.port': opts.port !== undefined ? { flag: '--port', value: opts.port } : undefined,
          'ingest.manifests': opts.manifests
            ? { flag: '--manifests', value: opts.manifests }
            : undefined,
          'kubernetes.kubeconfig':
            opts.kubeconfig !== undefined
              ? { flag: '--kubeconfig', value: opts.kubeconfig }
              : undefined,
          'kubernetes.context':
            opts.kubeContext !== undefined
              ? { flag: '--kube-context', value: opts.kubeContext }
              : undefined,
        });
        // Loaded here so that other commands do not pay for Fastify and prom-client at start-up.
        const { startServer } = await import('../http/server.js');
        const server = await startServer(config);
        if (opts.source?.length) {
          const { startServeSources } = await import('./serve-sources.js');
          startServeSources(opts.source, config, server.services);
        }
      } catch (err) {
        fatal('serve', err);
      }
    });
}

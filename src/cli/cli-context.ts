/** Shared plumbing for the flow commands: configuration from flags, the store, errors, output. */
import type { Config } from '../api/config-schema.js';
import { ConfigError, loadConfig } from '../services/config.js';
import {
  buildServices,
  type BuildServicesOptions,
  openFlowStore,
  type OpenStoreOptions,
  type Services,
} from '../services/config-store.js';
import { escapeTerminal } from './terminal-escape.js';

export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_REJECTED = 2;

/** The `--db` option of every command that opens the store (`.option(...DB_FLAG)`). */
export const DB_FLAG = [
  '--db <path>',
  'SQLite database file (default ./data/netsec.db, or NETSEC_DB)',
] as const;
/** The `--store` option, beside `DB_FLAG`: the same commands run on PostgreSQL. */
export const STORE_FLAG = [
  '--store <url>',
  'PostgreSQL store URL (postgres://…, or NETSEC_STORE_URL) instead of the SQLite file',
] as const;

export interface StoreFlags {
  db?: string;
  store?: string;
  config?: string;
}

type FlagMap = Record<string, { flag: string; value: unknown } | undefined>;

/** Loads the configuration; flags given on the command line win over env and file. */
export function configFromFlags(opts: StoreFlags, extra: FlagMap = {}): Config {
  const flags: FlagMap = { ...extra };
  if (opts.db !== undefined) flags['store.path'] = { flag: '--db', value: opts.db };
  if (opts.store !== undefined) flags['store.url'] = { flag: '--store', value: opts.store };
  return loadConfig({
    ...(opts.config !== undefined ? { configPath: opts.config } : {}),
    env: process.env,
    flags,
  });
}

/** Opens the store, runs `fn`, and closes the store whatever happens. */
export async function withServices<T>(
  config: Config,
  fn: (s: Services) => Promise<T>,
  options: OpenStoreOptions & Pick<BuildServicesOptions, 'enricher' | 'groupCommit'> = {},
): Promise<T> {
  const { enricher, groupCommit, ...storeOptions } = options;
  const services = buildServices(await openFlowStore(config, storeOptions), {
    config,
    ...(enricher ? { enricher } : {}),
    ...(groupCommit !== undefined ? { groupCommit } : {}),
  });
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

/** Reports a fatal error on stderr and sets exit code 1. */
export function fatal(command: string, err: unknown): void {
  const lines =
    err instanceof ConfigError ? err.problems : [err instanceof Error ? err.message : String(err)];
  for (const l of lines) process.stderr.write(`netsec ${command}: ${escapeTerminal(l)}\n`);
  process.exitCode = EXIT_FATAL;
}

/** Writes to stdout, waiting when the pipe is full so that memory stays flat. */
export async function out(text: string): Promise<void> {
  if (!process.stdout.write(text)) {
    await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  }
}

let pipeHandled = false;
/** `netsec flows | head` closes the pipe early: stop quietly instead of crashing on EPIPE. */
export function quietOnClosedPipe(): void {
  if (pipeHandled) return;
  pipeHandled = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

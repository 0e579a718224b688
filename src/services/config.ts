/**
 * Loads the configuration from a YAML file, the environment and command-line flags, with the
 * precedence flags > environment > file > defaults. Each layer is validated on its own so that
 * an error names where the bad value came from (`config.yaml: retention.raw: …`,
 * `environment PORT: …`, `--port: …`).
 */
import { readFileSync } from 'node:fs';

import { z } from 'zod';

import {
  type Config,
  CONFIG_DEFAULTS,
  type ConfigLayer,
  ConfigLayerSchema,
} from '../api/config-schema.js';
import { type NamedCidr, parseCidr } from '../domain/ip.js';
import { readOneYamlDocument } from '../formats/yaml-documents.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Environment variables read, and the key each one sets. */
export const ENV_KEYS: Readonly<Record<string, string>> = {
  HOST: 'server.host',
  PORT: 'server.port',
  NETSEC_BODY_LIMIT: 'server.bodyLimitBytes',
  NETSEC_DASHBOARD_CACHE_TTL_MS: 'server.answerCacheMs',
  NETSEC_FLOW_SEARCH_MS: 'server.flowSearchMs',
  NETSEC_DB: 'store.path',
  NETSEC_STORE_URL: 'store.url',
  NETSEC_READ_WORKERS: 'store.readWorkers',
  NETSEC_CLUSTER: 'ingest.defaultCluster',
  NETSEC_INGEST_WORKERS: 'ingest.workers',
  NETSEC_INGEST_WORKER_NICE: 'ingest.workerNice',
  NETSEC_INGEST_MAX_IN_FLIGHT: 'ingest.maxInFlightBytes',
  NETSEC_RETENTION_RAW: 'retention.raw',
  NETSEC_LOG_LEVEL: 'log.level',
  NETSEC_ADMIN_PASSWORD: 'admin.password',
  NETSEC_TLS_CERT: 'server.tlsCert',
  NETSEC_TLS_KEY: 'server.tlsKey',
};

export interface LoadConfigOptions {
  /** YAML file; when absent `env.NETSEC_CONFIG` is used, else no file. */
  configPath?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Flag values keyed by config path (`server.port`), with the flag's name for messages. */
  flags?: Readonly<Record<string, { flag: string; value: unknown } | undefined>>;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = target;
  for (const p of parts.slice(0, -1)) {
    cur[p] ??= {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/** The keys a strict object at `path` accepts, found by walking the schema. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let s: z.ZodType = ConfigLayerSchema;
  for (const seg of path) {
    while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
    if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(seg)]!;
    while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
    if (!s) return [];
  }
  if (s instanceof z.ZodArray) s = s.element as z.ZodType;
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** Turns zod issues into `key.path: expected …` lines. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(issue.path);
      for (const key of issue.keys) {
        const where = pathText([...issue.path, key]);
        out.push(`${where}: unknown key (expected one of ${known.join(', ')})`);
      }
    } else if (issue.code === 'invalid_type' && issue.expected === 'object') {
      out.push(`${pathText(issue.path) || '(top level)'}: expected a mapping of keys`);
    } else if (issue.code === 'invalid_type' && issue.expected === 'array') {
      out.push(`${pathText(issue.path)}: expected a list`);
    } else {
      out.push(`${pathText(issue.path) || '(top level)'}: ${issue.message}`);
    }
  }
  return out;
}

function validate(layer: unknown, prefix: (key: string) => string): ConfigLayer {
  const r = ConfigLayerSchema.safeParse(layer);
  if (r.success) return r.data;
  throw new ConfigError(describeIssues(r.error.issues).map(prefix));
}

function readFileLayer(path: string): ConfigLayer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`${path}: cannot read: ${(err as Error).message}`]);
  }
  const { value, problems } = readOneYamlDocument(text, { uniqueKeys: true });
  if (problems.length > 0) throw new ConfigError(problems.map((e) => `${path}: ${e}`));
  const data: unknown = value ?? {};
  return validate(data, (line) => `${path}: ${line}`);
}

function merge<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (
    typeof base !== 'object' ||
    base === null ||
    Array.isArray(base) ||
    typeof over !== 'object' ||
    over === null ||
    Array.isArray(over)
  ) {
    return over as T;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
  return out as T;
}

/**
 * Resolves the configuration. Throws `ConfigError` listing every problem found in the first
 * layer that has problems.
 * @example loadConfig({ configPath: 'netsec.yaml', env: process.env, flags: {} })
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? {};
  const layers: ConfigLayer[] = [];
  const file = options.configPath ?? env.NETSEC_CONFIG;
  if (file) layers.push(readFileLayer(file));

  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const layer: Record<string, unknown> = {};
    setPath(layer, key, value);
    layers.push(validate(layer, (line) => `environment ${name}: ${line.replace(/^[^:]+: /, '')}`));
  }
  for (const [key, entry] of Object.entries(options.flags ?? {})) {
    if (entry === undefined || entry.value === undefined) continue;
    const layer: Record<string, unknown> = {};
    setPath(layer, key, entry.value);
    layers.push(validate(layer, (line) => `${entry.flag}: ${line.replace(/^[^:]+: /, '')}`));
  }

  let config = structuredClone(CONFIG_DEFAULTS);
  for (const layer of layers) config = merge(config, layer);
  config.clusters = config.clusters.map((c) => ({ ...c, externalCidrs: c.externalCidrs ?? [] }));
  return config;
}

/** Named CIDRs that apply to a cluster, parsed: its own first, then the global ones. */
/** `namedCidrsFor` for every configured cluster, and for any other, as plain data. */
export function namedCidrTable(config: Config): {
  byCluster: Map<string, NamedCidr[]>;
  other: NamedCidr[];
} {
  const byCluster = new Map<string, NamedCidr[]>();
  for (const c of config.clusters) byCluster.set(c.name, namedCidrsFor(config, c.name));
  return { byCluster, other: namedCidrsFor(config, '') };
}

export function namedCidrsFor(config: Config, cluster: string): NamedCidr[] {
  const own = config.clusters.find((c) => c.name === cluster)?.externalCidrs ?? [];
  return [...own, ...config.externalCidrs].flatMap((n) => {
    const cidr = parseCidr(n.cidr);
    return cidr ? [{ name: n.name, cidr }] : [];
  });
}

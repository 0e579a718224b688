/**
 * Configuration schema (zod 4, strict objects). Every layer (YAML file, environment, flags) is
 * validated on its own with `ConfigLayerSchema`, so an error can say which layer and which key
 * is wrong; the layers are then merged over `CONFIG_DEFAULTS`.
 *
 * Leaf values are parsed by small hand-written checks so that every message has the shape
 * `expected <what>, got <value>`, whatever the input's type.
 */
import { z } from 'zod';

import { parseCidr } from '../domain/ip.js';
import { AlertingConfigLayerSchema, DetectionConfigLayerSchema } from './alerting-schema.js';
import { AuthConfigLayerSchema } from './auth-schema.js';
import { type IncidentConfigLayer, IncidentConfigLayerSchema } from './incident-config-schema.js';
import {
  type KubernetesConfigLayer,
  KubernetesConfigLayerSchema,
} from './kubernetes-config-schema.js';
import { type ReportConfigLayer, ReportConfigLayerSchema } from './report-config-schema.js';
import { type ReviewConfigLayer, ReviewConfigLayerSchema } from './review-config-schema.js';

const MS = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8, y: 3.1536e10 } as const;
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)$/;
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;
const SIZE_UNIT: Record<string, number> = {
  b: 1,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: 1024 ** 2,
  gb: 1e9,
  gib: 1024 ** 3,
};

/** Parses a retention duration such as `7d`, `400d`, `3y` (a year is 365 days). */
export function parseConfigDuration(text: string): number | null {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return null;
  const ms = Math.round(Number(m[1]) * MS[m[2] as keyof typeof MS]);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}

/** The password of a `scheme://user:password@host` URL in a text, for redaction. */
const URL_PASSWORD_RE = /(:\/\/[^/:@\s"]*):[^@\s"]*@/g;

/** Shows a rejected value the way the user wrote it, shortened, with URL passwords hidden. */
export function showValue(v: unknown): string {
  const shown = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  const text = shown.replace(URL_PASSWORD_RE, '$1:***@');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function leaf<T>(expected: string, parse: (v: unknown) => T | undefined): z.ZodType<T> {
  return z.unknown().transform((v, ctx) => {
    const out = parse(v);
    if (out === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${showValue(v)}` });
      return z.NEVER;
    }
    return out;
  }) as unknown as z.ZodType<T>;
}

function int(v: unknown, min: number, max: number): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

export const DurationValue = leaf('a duration like 7d', (v) =>
  typeof v === 'string' ? (parseConfigDuration(v) ?? undefined) : undefined,
);
export const PortValue = leaf('a port number 0-65535', (v) => int(v, 0, 65535));
export const SizeValue = leaf('a size in bytes like 16777216 or "16MiB"', (v) => {
  if (typeof v === 'number') return int(v, 1, Number.MAX_SAFE_INTEGER);
  if (typeof v !== 'string') return undefined;
  const m = SIZE_RE.exec(v.trim());
  if (!m) return undefined;
  const n = Math.round(Number(m[1]) * (SIZE_UNIT[(m[2] ?? 'b').toLowerCase()] ?? 1));
  return n > 0 ? n : undefined;
});
const positiveInt = (max: number): z.ZodType<number> =>
  leaf(`a whole number between 1 and ${max}`, (v) => int(v, 1, max));
const nonEmpty = (what: string): z.ZodType<string> =>
  leaf(what, (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined));
const HOST_RE = /^[A-Za-z0-9.:\-[\]%]+$/;
export const HostValue = leaf('a host name or IP address like 127.0.0.1', (v) =>
  typeof v === 'string' && HOST_RE.test(v) ? v : undefined,
);
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LogLevelValue = leaf(`one of ${LOG_LEVELS.join(', ')}`, (v) =>
  typeof v === 'string' && (LOG_LEVELS as readonly string[]).includes(v)
    ? (v as LogLevel)
    : undefined,
);
const CidrValue = leaf('a CIDR like 10.8.0.0/16', (v) =>
  typeof v === 'string' && parseCidr(v.trim()) !== null ? v.trim() : undefined,
);
const SampleRateValue = leaf('a fraction between 0 and 1', (v) => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && n >= 0 && n <= 1 ? n : undefined;
});
const StoreUrlValue = leaf('a postgres:// or postgresql:// URL', (v) =>
  typeof v === 'string' && /^postgres(ql)?:\/\/\S+$/.test(v) ? v : undefined,
);
/**
 * A SQLite file path. A URL is refused rather than taken as a file name: `--db postgres://…`
 * would otherwise open a new, empty SQLite file at a path that looks like the URL.
 */
const StorePathValue = leaf(
  'a SQLite file path, not a URL (a PostgreSQL store is store.url: --store or NETSEC_STORE_URL)',
  (v) =>
    typeof v === 'string' && v.trim() !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(v.trim())
      ? v.trim()
      : undefined,
);

const NamedCidrSchema = z.strictObject({
  name: nonEmpty('a non-empty name'),
  cidr: CidrValue,
});
export type NamedCidrConfig = z.infer<typeof NamedCidrSchema>;

/** One configuration layer: every key optional, no defaults. */
export const ConfigLayerSchema = z.strictObject({
  server: z.optional(
    z.strictObject({
      host: z.optional(HostValue),
      port: z.optional(PortValue),
      bodyLimitBytes: z.optional(SizeValue),
      /** Lifetime of the dashboard's answer cache in ms; 0 turns it off (docs/dashboard.md). */
      answerCacheMs: z.optional(
        leaf('a whole number of milliseconds between 0 and 60000', (v) => int(v, 0, 60_000)),
      ),
      /** How long one page of the flow explorer searches before it answers (docs/dashboard.md). */
      flowSearchMs: z.optional(
        leaf('a whole number of milliseconds between 0 and 60000', (v) => int(v, 0, 60_000)),
      ),
      /** PEM certificate and key files: the server speaks HTTPS when both are set. */
      tlsCert: z.optional(nonEmpty('a file path')),
      tlsKey: z.optional(nonEmpty('a file path')),
    }),
  ),
  store: z.optional(
    z.strictObject({
      path: z.optional(StorePathValue),
      url: z.optional(StoreUrlValue),
      /** SQLite: worker threads for dashboard reads; 0 reads on the main thread. */
      readWorkers: z.optional(leaf('a whole number between 0 and 16', (v) => int(v, 0, 16))),
    }),
  ),
  retention: z.optional(
    z.strictObject({
      raw: z.optional(DurationValue),
      rollup1m: z.optional(DurationValue),
      rollup1h: z.optional(DurationValue),
      records: z.optional(DurationValue),
    }),
  ),
  ingest: z.optional(
    z.strictObject({
      defaultCluster: z.optional(nonEmpty('a cluster name')),
      batchSize: z.optional(positiveInt(100_000)),
      maxBatchLines: z.optional(positiveInt(10_000_000)),
      maxDecompressedBytes: z.optional(SizeValue),
      /** Bodies (decompressed) admitted at once; more get 503 and Retry-After (docs/http-api.md). */
      maxInFlightBytes: z.optional(SizeValue),
      allowedSampleRate: z.optional(SampleRateValue),
      /** Worker threads that parse and prepare request bodies; 0 ingests on the main thread. */
      workers: z.optional(leaf('a whole number between 0 and 16', (v) => int(v, 0, 16))),
      /** Nice value of the ingest worker threads (Linux); 0 keeps the process's priority. */
      workerNice: z.optional(leaf('a whole number between 0 and 19', (v) => int(v, 0, 19))),
      /** Manifest files or directories whose cluster model enriches ingested endpoints. */
      manifests: z.optional(z.array(nonEmpty('a file or directory path'))),
    }),
  ),
  externalCidrs: z.optional(z.array(NamedCidrSchema)),
  clusters: z.optional(
    z.array(
      z.strictObject({
        name: nonEmpty('a cluster name'),
        externalCidrs: z.optional(z.array(NamedCidrSchema)),
      }),
    ),
  ),
  log: z.optional(z.strictObject({ level: z.optional(LogLevelValue) })),
  admin: z.optional(z.strictObject({ password: z.optional(nonEmpty('a password')) })),
  auth: z.optional(AuthConfigLayerSchema),
  /** Detector thresholds (docs/detection.md), checked by resolveDetectOptions. */
  detection: z.optional(DetectionConfigLayerSchema),
  /** Alert rules and receivers (docs/alerting.md). */
  alerting: z.optional(AlertingConfigLayerSchema),
  /** Daily review cadence and scope (docs/reviews.md). */
  review: z.optional(ReviewConfigLayerSchema),
  /** Incident policy, namespace owners and contacts (docs/incidents.md). */
  incidents: z.optional(IncidentConfigLayerSchema),
  /** Reports (docs/reports.md). */
  reports: z.optional(ReportConfigLayerSchema),
  /** The live cluster model from a Kubernetes API (docs/sources.md). */
  kubernetes: z.optional(KubernetesConfigLayerSchema),
});
export type ConfigLayer = z.infer<typeof ConfigLayerSchema>;

/** The resolved configuration. Durations are in milliseconds, sizes in bytes. */
export interface Config {
  server: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    answerCacheMs: number;
    flowSearchMs: number;
    tlsCert?: string | undefined;
    tlsKey?: string | undefined;
  };
  store: { path: string; url: string | null; readWorkers: number };
  retention: { raw: number; rollup1m: number; rollup1h: number; records: number };
  ingest: {
    defaultCluster: string;
    batchSize: number;
    maxBatchLines: number;
    maxDecompressedBytes: number;
    /**
     * Decompressed bytes of the bodies being ingested at once (received, not yet answered); a
     * body that would pass it gets 503 and Retry-After. Any body is admitted when none is in
     * flight.
     */
    maxInFlightBytes: number;
    allowedSampleRate: number;
    /** Ingest worker threads of the server (either store); 0 parses on the main thread. */
    workers: number;
    /**
     * Nice value of the ingest worker threads (Linux, 0–19): they make way for the main thread,
     * which answers the API, when the cores are busy. 0 keeps the process's priority.
     */
    workerNice: number;
    /** Manifests (files or directories) loaded as the cluster model for enrichment; [] for none. */
    manifests: string[];
  };
  externalCidrs: NamedCidrConfig[];
  clusters: { name: string; externalCidrs: NamedCidrConfig[] }[];
  log: { level: LogLevel };
  admin: { password: string | null };
  /** Access control; see docs/security.md. Resolved with `resolveAuthConfig`. */
  auth?: z.infer<typeof AuthConfigLayerSchema> | undefined;
  detection?: z.infer<typeof DetectionConfigLayerSchema> | undefined;
  alerting?: z.infer<typeof AlertingConfigLayerSchema> | undefined;
  review?: ReviewConfigLayer | undefined;
  incidents?: IncidentConfigLayer | undefined;
  reports?: ReportConfigLayer | undefined;
  kubernetes?: KubernetesConfigLayer | undefined;
}

export const CONFIG_DEFAULTS: Config = {
  server: {
    host: '127.0.0.1',
    port: 8080,
    bodyLimitBytes: 16 * 1024 ** 2,
    answerCacheMs: 5000,
    flowSearchMs: 1000,
  },
  store: { path: './data/netsec.db', url: null, readWorkers: 2 },
  retention: { raw: 7 * MS.d, rollup1m: 35 * MS.d, rollup1h: 400 * MS.d, records: 3 * MS.y },
  ingest: {
    defaultCluster: 'default',
    batchSize: 5000,
    maxBatchLines: 1_000_000,
    maxDecompressedBytes: 256 * 1024 ** 2,
    maxInFlightBytes: 32 * 1024 ** 2,
    allowedSampleRate: 0.1,
    workers: 2,
    workerNice: 10,
    manifests: [],
  },
  externalCidrs: [],
  clusters: [],
  log: { level: 'info' },
  admin: { password: null },
};

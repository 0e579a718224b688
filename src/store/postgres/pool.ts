/**
 * Connection pool with the type parsing the store relies on: bigint and numeric (sums of
 * bigint) come back as JS numbers, like SQLite's integers. Epoch ms and counters stay far below
 * 2^53; a value that does not fit is refused rather than rounded.
 */
import pg from 'pg';

export { pgText } from './text.js';

const INT8 = 20;
const NUMERIC = 1700;

function toNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) && Number.isInteger(n)) {
    throw new RangeError(`value ${text} does not fit a JS number exactly`);
  }
  return n;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8 || oid === NUMERIC) return toNumber;
    return format === 'binary'
      ? pg.types.getTypeParser(oid, 'binary')
      : pg.types.getTypeParser(oid);
  }) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  url: string;
  /** Connections per store (per server replica). Default 10. */
  poolSize?: number;
  /** How long to wait for a connection (new or from the pool), in ms. Default 30,000. */
  connectTimeoutMs?: number;
}

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: 'netsec',
    types,
    // Without a bound, an unreachable server (or a pool exhausted by stuck work) would hang
    // start-up and every request forever; keep-alive notices a dead peer (and a lost leader lock).
    connectionTimeoutMillis: options.connectTimeoutMs ?? 30_000,
    keepAlive: true,
  });
  // An idle connection that the server drops (restart, failover) must not crash the process;
  // the pool replaces it on the next checkout.
  pool.on('error', () => undefined);
  // The same for a checked-out connection whose socket dies between queries (EPIPE on the next
  // write): pg emits that on the client, where no listener would make it an uncaught exception.
  // The query in flight still fails, and a client that errored is dropped on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** SQLSTATE codes after which a whole transaction can simply be run again. */
export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/**
 * Which backend errors mean "the store cannot write right now" (disk full, read-only, I/O
 * failure, lock held too long, database unreachable) as opposed to a bug or bad input. The
 * first kind is answered `503` with `Retry-After`: nothing was committed, the client keeps the
 * batch and sends it again later with the same idempotency key.
 *
 * @example
 * const failure = classifyStorageError(err);
 * if (failure) reply.header('retry-after', String(failure.retryAfterSeconds)).code(503);
 */

export type StorageFailureKind = 'full' | 'read-only' | 'io' | 'busy' | 'connection';

export interface StorageFailure {
  kind: StorageFailureKind;
  /** The backend's code (`SQLITE_FULL`, `53100`, `ECONNREFUSED`, …). */
  code: string;
  /** How long a client should wait before it tries again. */
  retryAfterSeconds: number;
}

/** Seconds to wait per kind: a busy lock clears quickly, a full disk needs an operator. */
export const RETRY_AFTER_SECONDS: Readonly<Record<StorageFailureKind, number>> = {
  busy: 1,
  connection: 5,
  io: 10,
  full: 10,
  'read-only': 10,
};

// SQLite primary result codes; extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED, …)
// start with their primary code's name.
const SQLITE_PREFIXES: readonly [string, StorageFailureKind][] = [
  ['SQLITE_FULL', 'full'],
  ['SQLITE_READONLY', 'read-only'],
  ['SQLITE_IOERR', 'io'],
  ['SQLITE_CANTOPEN', 'io'],
  ['SQLITE_PROTOCOL', 'io'],
  ['SQLITE_BUSY', 'busy'],
  ['SQLITE_LOCKED', 'busy'],
];

// PostgreSQL SQLSTATEs (appendix A of its manual).
const PG_CODES: Readonly<Record<string, StorageFailureKind>> = {
  '53100': 'full', // disk_full
  '53000': 'full', // insufficient_resources
  '53200': 'full', // out_of_memory
  '53300': 'connection', // too_many_connections
  '25006': 'read-only', // read_only_sql_transaction
  '58030': 'io', // io_error
  '57P01': 'connection', // admin_shutdown
  '57P02': 'connection', // crash_shutdown
  '57P03': 'connection', // cannot_connect_now
  '57014': 'busy', // query_canceled (statement or lock timeout)
  '55P03': 'busy', // lock_not_available
  '40001': 'busy', // serialization_failure (after the store's own retries)
  '40P01': 'busy', // deadlock_detected (after the store's own retries)
};

// Operating-system errors from node (fs writes, sockets to the database).
const ERRNO_CODES: Readonly<Record<string, StorageFailureKind>> = {
  ENOSPC: 'full',
  EDQUOT: 'full',
  EROFS: 'read-only',
  EIO: 'io',
  ECONNREFUSED: 'connection',
  ECONNRESET: 'connection',
  ETIMEDOUT: 'connection',
  EPIPE: 'connection',
  EHOSTUNREACH: 'connection',
  ENETUNREACH: 'connection',
  ENOTFOUND: 'connection',
  EAI_AGAIN: 'connection',
};

// pg raises some connection failures as plain Errors without a code.
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

function classifyOne(err: unknown): StorageFailure | null {
  if (typeof err !== 'object' || err === null) return null;
  const rawCode = (err as { code?: unknown }).code;
  const code = typeof rawCode === 'string' ? rawCode : '';
  let kind: StorageFailureKind | undefined;
  if (code.startsWith('SQLITE_')) {
    kind = SQLITE_PREFIXES.find(([p]) => code === p || code.startsWith(`${p}_`))?.[1];
  } else if (/^[0-9A-Z]{5}$/.test(code) && PG_CODES[code] !== undefined) {
    kind = PG_CODES[code];
  } else if (/^08[0-9A-Z]{3}$/.test(code)) {
    kind = 'connection'; // class 08: connection exception
  } else if (ERRNO_CODES[code] !== undefined) {
    kind = ERRNO_CODES[code];
  } else if (code === '') {
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string' && PG_CONNECTION_MESSAGES.some((m) => message.includes(m))) {
      return {
        kind: 'connection',
        code: 'connection',
        retryAfterSeconds: RETRY_AFTER_SECONDS.connection,
      };
    }
  }
  return kind ? { kind, code, retryAfterSeconds: RETRY_AFTER_SECONDS[kind] } : null;
}

/**
 * The storage failure behind `err` (looked for along `cause` chains and inside an
 * `AggregateError`), or `null` when the error is of another kind (a bug, bad data).
 */
export function classifyStorageError(err: unknown): StorageFailure | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null || seen.has(e)) continue;
    seen.add(e);
    const found = classifyOne(e);
    if (found) return found;
    queue.push((e as { cause?: unknown }).cause);
    if (e instanceof AggregateError) queue.push(...(e.errors as unknown[]));
  }
  return null;
}

/** Thrown by the ingest service when a commit failed because the store cannot write. */
export class StorageUnavailableError extends Error {
  constructor(
    readonly failure: StorageFailure,
    options?: { cause?: unknown },
  ) {
    super(`the store cannot write (${failure.kind}: ${failure.code})`, options);
    this.name = 'StorageUnavailableError';
  }
}

export interface StorageAvailabilityState {
  writable: boolean;
  /** The failure that made the store unwritable, while it is. */
  failure: StorageFailure | null;
  /** When the current failure was first seen (epoch ms). */
  since: number | null;
}

/**
 * Whether the store accepted its last write. A failure is remembered until a write succeeds or
 * `holdMs` passed since the last failure: a server taken out of rotation (readiness) receives
 * no writes, so it must let traffic back in by itself to find out that space has returned.
 */
export class StorageAvailability {
  private failure: StorageFailure | null = null;
  private since: number | null = null;
  private lastFailureAt = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly holdMs = 15_000,
  ) {}

  failed(failure: StorageFailure): void {
    const t = this.now();
    if (this.failure === null) this.since = t;
    this.failure = failure;
    this.lastFailureAt = t;
  }

  succeeded(): void {
    this.failure = null;
    this.since = null;
  }

  state(): StorageAvailabilityState {
    if (this.failure !== null && this.now() - this.lastFailureAt >= this.holdMs) this.succeeded();
    return { writable: this.failure === null, failure: this.failure, since: this.since };
  }
}

/**
 * A throwaway PostgreSQL server for tests: `initdb` into a temporary directory, started on a
 * free port with its Unix socket in that directory, stopped and deleted afterwards. As root,
 * the server runs as the `postgres` OS user (PostgreSQL refuses to run as root).
 *
 * When `initdb` cannot run, it falls back to an existing server named by `NETSEC_TEST_PG_URL`
 * (or the libpq `PGHOST`/`PGPORT`/`PGUSER`/`PGPASSWORD` variables) and works in fresh
 * databases there.
 *
 * @example
 * const pg = await startPostgresServer();
 * const url = await pg.createDatabase();   // a fresh, empty database
 * …
 * await pg.stop();                          // drops what it created, deletes the data dir
 *
 * In a test file, `describePostgres(name, (server) => { … })` starts one server for the file,
 * fails clearly under CI=true when PostgreSQL is missing, and skips with the reason otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';

export interface PostgresServer {
  /** How the server was obtained. */
  mode: 'initdb' | 'existing';
  /** URL of the maintenance database (`postgres`). */
  adminUrl: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Drops a database created here (disconnecting its sessions first). */
  dropDatabase(url: string): Promise<void>;
  /** Drops every database created here; stops and deletes a throwaway server. */
  stop(): Promise<void>;
}

/** `bin` directory of the newest installed PostgreSQL, or null. */
export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

function existingServerUrl(): string | null {
  const explicit = process.env.NETSEC_TEST_PG_URL;
  if (explicit) return explicit;
  if (!process.env.PGHOST) return null;
  const host = encodeURIComponent(process.env.PGHOST);
  const port = process.env.PGPORT ?? '5432';
  const user = encodeURIComponent(process.env.PGUSER ?? 'postgres');
  const password = process.env.PGPASSWORD ? `:${encodeURIComponent(process.env.PGPASSWORD)}` : '';
  return `postgres://${user}${password}@${host}:${port}/postgres`;
}

/**
 * Why PostgreSQL tests cannot run here, or null when they can. Checked synchronously so that a
 * test file can decide between running, skipping (with this reason) and failing (under CI).
 */
export function postgresUnavailableReason(): string | null {
  if (findPostgresBin() || existingServerUrl()) return null;
  return 'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) and neither NETSEC_TEST_PG_URL nor PGHOST names a server; install the Debian package postgresql (15)';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as the `postgres` user when this process is root. */
function runPg(bin: string, args: string[]): void {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${[cmd, ...argv].join(' ')} failed (${r.status ?? r.signal}): ${out}`);
  }
}

async function startThrowaway(bin: string): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-pg-'));
  const data = join(dir, 'data');
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const stopServer = (): void => {
    try {
      runPg(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Not running (start failed); the directory goes anyway.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    runPg(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    // Throwaway data: no fsync. TCP off; the socket sits in the private temp directory.
    const opts = `-p ${port} -k ${dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    runPg(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-o',
      opts,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
  } catch (err) {
    stopServer();
    throw err;
  }
  const adminUrl = `postgres://postgres@${encodeURIComponent(dir)}:${port}/postgres`;
  return serverAround('initdb', adminUrl, async () => stopServer());
}

function serverAround(
  mode: PostgresServer['mode'],
  adminUrl: string,
  shutdown: () => Promise<void>,
): PostgresServer {
  const created = new Set<string>();
  let counter = 0;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const urlOf = (db: string): string => {
    const u = new URL(adminUrl);
    u.pathname = `/${db}`;
    return u.toString();
  };
  const drop = async (db: string): Promise<void> => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`));
    created.delete(db);
  };
  return {
    mode,
    adminUrl,
    createDatabase: async () => {
      const db = `netsec_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
      await admin((c) => c.query(`CREATE DATABASE "${db}"`));
      created.add(db);
      return urlOf(db);
    },
    dropDatabase: (url) => drop(decodeURIComponent(new URL(url).pathname.slice(1))),
    stop: async () => {
      if (mode === 'existing') for (const db of [...created]) await drop(db);
      await shutdown();
    },
  };
}

/** Starts a throwaway server, else uses the one the environment names. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const existing = existingServerUrl();
  if (bin) {
    try {
      return await startThrowaway(bin);
    } catch (err) {
      if (!existing) throw err;
    }
  }
  if (!existing) throw new Error(postgresUnavailableReason() ?? 'no PostgreSQL server');
  return serverAround('existing', existing, async () => undefined);
}

/**
 * Registers `body` when PostgreSQL can run; `server()` gives the file's server inside tests.
 * Without PostgreSQL: under CI=true one failing test says what is missing; otherwise a skipped
 * test carries the reason.
 */
export function describePostgres(name: string, body: (server: () => PostgresServer) => void): void {
  const reason = postgresUnavailableReason();
  if (reason) {
    if (process.env.CI === 'true') {
      describe(name, () => {
        it('needs PostgreSQL 15 (CI installs it with .ci/run)', () => {
          throw new Error(`CI=true but PostgreSQL cannot run: ${reason}`);
        });
      });
    } else {
      describe.skip(`${name} (skipped: ${reason})`, () => {
        it('needs PostgreSQL', () => undefined);
      });
    }
    return;
  }
  let current: PostgresServer | null = null;
  describe(name, () => {
    beforeAll(async () => {
      current = await startPostgresServer();
    }, 120_000);
    afterAll(async () => {
      await current?.stop();
    }, 60_000);
    body(() => {
      if (!current) throw new Error('PostgreSQL server not started');
      return current;
    });
  });
}

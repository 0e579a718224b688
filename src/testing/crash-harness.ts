/**
 * Crash-safety harness (issue #10): the built server (`./bin/netsec serve`, from dist) on a
 * temporary SQLite store, several HTTP clients ingesting marked batches with unique
 * Idempotency-Keys, and `kill -9` of the server at seeded random moments, then a restart.
 * Clients retry a batch that was not acknowledged, as a collector does, and sometimes give one
 * up (as a collector whose bounded buffer drops the oldest would), so that unacknowledged
 * batches exist too. At the end the store is read directly: every acknowledged batch holds its
 * flows exactly once, every abandoned batch is there whole or not at all, rollups add up, and
 * `PRAGMA integrity_check` says ok.
 *
 * @example
 * const report = await runCrashTest({ kills: 20, clients: 4, seed: 42 });
 * expect(report.problems).toEqual([]);
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { markedBatch, readStoredBatches } from './marked-batches.js';
import { freePort } from './real-binary.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CrashTestOptions {
  /** How many times the server is killed with SIGKILL. */
  kills: number;
  /** Concurrent ingest clients. Default 4. */
  clients?: number;
  /** RNG seed for kill moments, pauses and give-ups. Default: random (it is in the report). */
  seed?: number;
  /** Flows per batch (one request, one store batch). Default 25. */
  flowsPerBatch?: number;
  /** How long the server runs after it became ready, before the kill: [min, max] ms. */
  upMs?: [number, number];
  /** Chance that a client gives a batch up after a failed attempt. Default 0.2. */
  abandonRate?: number;
  /** Chance that a kill lands during start-up instead of while serving. Default 0.25. */
  startupKillRate?: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Keep the temporary directory (to inspect the database). */
  keep?: boolean;
}

export interface CrashTestReport {
  seed: number;
  kills: number;
  killsDuringStartup: number;
  /** Requests cut off by a kill (reset, timed out) or answered 5xx; refused ones not counted. */
  failedAttempts: number;
  acknowledged: number;
  /** Acknowledged as `duplicate`: committed before a kill took the reply away, sent again. */
  duplicateAcks: number;
  abandoned: number;
  /** Abandoned batches that had committed anyway (whole). */
  abandonedButStored: number;
  flowsAcknowledged: number;
  rollupFlows: number;
  integrity: string;
  elapsedMs: number;
  /** Everything that broke a promise; empty when the store held. */
  problems: string[];
  dir: string;
}

/** mulberry32: small, fast, good enough to place kills; the seed reproduces a run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Server {
  child: ChildProcess | null = null;
  private output: string[] = [];
  private spawnedAt = 0;

  constructor(
    private readonly db: string,
    readonly port: number,
  ) {}

  /** Starts the server and waits until /readyz answers; returns how long that took. */
  async start(): Promise<number> {
    this.spawn();
    return this.ready();
  }

  spawn(): void {
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'bin/netsec'),
        'serve',
        '--db',
        this.db,
        '--host',
        '127.0.0.1',
        '--port',
        String(this.port),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NETSEC_LOG_LEVEL: 'warn' } },
    );
    this.child = child;
    const keep = (b: Buffer): void => {
      this.output.push(...b.toString('utf8').split('\n').filter(Boolean));
      if (this.output.length > 40) this.output.splice(0, this.output.length - 40);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.spawnedAt = Date.now();
  }

  async ready(): Promise<number> {
    const child = this.child;
    if (!child) throw new Error('server not started');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`server exited at start-up:\n${this.output.join('\n')}`);
      }
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/readyz`, {
          signal: AbortSignal.timeout(1000),
        });
        if (res.ok) return Date.now() - this.spawnedAt;
      } catch {
        // Not listening yet.
      }
      await sleep(25);
    }
    throw new Error(`server not ready after 60 s:\n${this.output.join('\n')}`);
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((r) => {
      child.once('exit', () => r());
      child.kill(signal);
    });
    this.child = null;
  }
}

export async function runCrashTest(options: CrashTestOptions): Promise<CrashTestReport> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rnd = seededRandom(seed);
  const log = options.log ?? ((): void => undefined);
  const n = options.flowsPerBatch ?? 25;
  const [upMin, upMax] = options.upMs ?? [150, 900];
  const abandonRate = options.abandonRate ?? 0.2;
  const startupKillRate = options.startupKillRate ?? 0.25;
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'netsec-crash-'));
  const db = join(dir, 'netsec.db');
  log(
    `crash test: seed ${seed}, ${options.kills} kills, ${options.clients ?? 4} clients, dir ${dir}`,
  );

  const created = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'bin/netsec'), 'tokens', 'create', '--name', 'crash', '--db', db, '--json'],
    { encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(`tokens create failed: ${created.stderr}`);
  const token = (JSON.parse(created.stdout) as { token: string }).token;

  const server = new Server(db, await freePort());
  const url = `http://127.0.0.1:${server.port}/api/v1/ingest?format=native`;
  const t0 = Date.now() - 3_600_000; // recent: the server's retention job must keep it
  const acked = new Map<string, boolean>(); // name → acknowledged as duplicate
  const abandoned = new Set<string>();
  const problems: string[] = [];
  let failedAttempts = 0;
  let finishing = false;

  const client = async (c: number): Promise<void> => {
    for (let seq = 0; !finishing; seq++) {
      const name = `rel-c${c}-${seq}`;
      const body = markedBatch(name, n, t0 + (seq % 50) * 60_000);
      for (;;) {
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/x-ndjson',
              'idempotency-key': name,
            },
            body,
            signal: AbortSignal.timeout(15_000),
          });
          const reply = (await res.json()) as { duplicate?: boolean; stored?: number };
          if (res.status === 200) {
            if (!reply.duplicate && reply.stored !== n) {
              problems.push(`${name}: acknowledged with stored=${reply.stored}, expected ${n}`);
            }
            acked.set(name, reply.duplicate === true);
            break;
          }
          if (res.status < 500) {
            problems.push(`${name}: HTTP ${res.status} ${JSON.stringify(reply)}`);
            break;
          }
        } catch (err) {
          // Refused: the server is down, the request never reached it; wait, do not give up.
          if ((err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') {
            await sleep(50);
            continue;
          }
          // Reset or timed out: a kill cut the request off somewhere.
        }
        failedAttempts++;
        if (!finishing && rnd() < abandonRate) {
          abandoned.add(name);
          break;
        }
        await sleep(20 + rnd() * 60);
      }
    }
  };

  // A test runner that times out tears the worker down: take the server with it.
  const reap = (): void => void server.child?.kill('SIGKILL');
  process.once('exit', reap);
  let startupMs = await server.start();
  const clients = Array.from({ length: options.clients ?? 4 }, (_, c) => client(c));
  let duringStartup = 0;
  try {
    for (let k = 1; k <= options.kills; k++) {
      let when = 'while serving';
      if (k > 1 && rnd() < startupKillRate) {
        // Some kills land while the server starts: opening the store, migrating, listening.
        await sleep(rnd() * startupMs);
        when = 'during start-up';
        duringStartup++;
      } else {
        startupMs = await server.ready();
        await sleep(upMin + rnd() * (upMax - upMin));
      }
      await server.kill('SIGKILL');
      log(`kill ${k}/${options.kills} ${when}: ${acked.size} acknowledged so far`);
      server.spawn();
    }
    await server.ready();
    finishing = true;
    await Promise.all(clients);
  } finally {
    finishing = true;
    await server.kill('SIGTERM');
    process.removeListener('exit', reap);
  }

  const stored = readStoredBatches(db);
  const committed = new Set<string>();
  for (const id of stored.batchIds) {
    const m = /^key:[^:]*:(rel-c\d+-\d+):1$/.exec(id);
    if (m?.[1]) committed.add(m[1]);
    else problems.push(`unexpected batch id ${id}`);
  }
  for (const name of acked.keys()) {
    if (stored.rows.get(name) !== n) {
      problems.push(`${name}: acknowledged but ${stored.rows.get(name) ?? 0} of ${n} flows stored`);
    }
    if (!committed.has(name)) problems.push(`${name}: acknowledged but no batch record`);
  }
  let abandonedButStored = 0;
  for (const name of abandoned) {
    const rows = stored.rows.get(name) ?? 0;
    if (rows !== 0 && rows !== n) problems.push(`${name}: abandoned, partially stored (${rows})`);
    if ((rows === n) !== committed.has(name)) {
      problems.push(`${name}: ${rows} flows but batch record ${committed.has(name)}`);
    }
    if (rows === n) abandonedButStored++;
  }
  for (const [name, rows] of stored.rows) {
    if (!acked.has(name) && !abandoned.has(name))
      problems.push(`${name}: ${rows} flows never sent`);
  }
  if (stored.rollupFlows !== committed.size * n) {
    problems.push(`rollups count ${stored.rollupFlows} flows, expected ${committed.size * n}`);
  }
  if (stored.integrity !== 'ok') problems.push(`integrity_check: ${stored.integrity}`);
  if (!options.keep && problems.length === 0) rmSync(dir, { recursive: true, force: true });

  const report: CrashTestReport = {
    seed,
    kills: options.kills,
    killsDuringStartup: duringStartup,
    failedAttempts,
    acknowledged: acked.size,
    duplicateAcks: [...acked.values()].filter(Boolean).length,
    abandoned: abandoned.size,
    abandonedButStored,
    flowsAcknowledged: acked.size * n,
    rollupFlows: stored.rollupFlows,
    integrity: stored.integrity,
    elapsedMs: Date.now() - started,
    problems,
    dir,
  };
  log(`crash test done: ${JSON.stringify({ ...report, problems: problems.length })}`);
  return report;
}

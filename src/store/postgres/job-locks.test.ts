/**
 * Leader locks of background jobs across replicas: one holder per job, takeover when the
 * holder's process is killed or its connection is cut, and the old holder noticing the loss.
 */
import { spawn } from 'node:child_process';

import pg from 'pg';
import { expect, it } from 'vitest';

import { describePostgres } from '../../testing/postgres-server.js';
import { jobLockKey, PgJobLockSession } from './job-locks.js';

const JOBS = ['detection', 'retention'] as const;
const sorted = (s: ReadonlySet<string>): string[] => [...s].sort();

describePostgres('job leader locks (throwaway PostgreSQL 15)', (server) => {
  it('gives each job to one session; the other takes over when the holder closes', async () => {
    const url = await server().createDatabase();
    const a = new PgJobLockSession({ connectionString: url });
    const b = new PgJobLockSession({ connectionString: url });
    try {
      expect(sorted(await a.sync(JOBS))).toEqual(['detection', 'retention']);
      expect(sorted(await b.sync(JOBS))).toEqual([]);
      // Renewing keeps the locks, taken once (session locks would otherwise stack).
      expect(sorted(await a.sync(JOBS))).toEqual(['detection', 'retention']);
      await a.close();
      expect(sorted(await b.sync(JOBS))).toEqual(['detection', 'retention']);
      expect(sorted(await a.sync(JOBS))).toEqual([]);
    } finally {
      await a.close();
      await b.close();
      await server().dropDatabase(url);
    }
  });

  it('hands the jobs over when the holder connection is cut, and the old holder notices', async () => {
    const url = await server().createDatabase();
    const a = new PgJobLockSession({ connectionString: url });
    const b = new PgJobLockSession({ connectionString: url });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await a.sync(JOBS);
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'netsec-jobs'",
      );
      expect(sorted(await b.sync(JOBS))).toEqual(['detection', 'retention']);
      // The cut session reports no locks, and cannot take them back from the new holder.
      expect(sorted(await a.sync(JOBS))).toEqual([]);
      expect(sorted(await a.sync(JOBS))).toEqual([]);
    } finally {
      await admin.end();
      await a.close();
      await b.close();
      await server().dropDatabase(url);
    }
  });

  it('takes over within a bounded time after the holding process is killed', async () => {
    const url = await server().createDatabase();
    const [k1, k2] = jobLockKey('detection');
    // Another process takes the detection lock as a replica would, then is killed (SIGKILL).
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import pg from 'pg';
         const c = new pg.Client({ connectionString: process.env.URL });
         await c.connect();
         const r = await c.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [${k1}, ${k2}]);
         process.stdout.write(r.rows[0].ok ? 'held\\n' : 'not\\n');
         setInterval(() => undefined, 1000);`,
      ],
      { env: { ...process.env, URL: url }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const b = new PgJobLockSession({ connectionString: url });
    try {
      const said = await new Promise<string>((resolve) =>
        holder.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
      );
      expect(said).toBe('held');
      expect(sorted(await b.sync(['detection']))).toEqual([]);
      holder.kill('SIGKILL');
      const killedAt = Date.now();
      let held: string[] = [];
      while (held.length === 0 && Date.now() - killedAt < 10_000) {
        await new Promise((r) => setTimeout(r, 100));
        held = sorted(await b.sync(['detection']));
      }
      expect(held).toEqual(['detection']);
      // A killed process closes its socket: PostgreSQL frees the lock at once.
      expect(Date.now() - killedAt).toBeLessThan(5_000);
    } finally {
      holder.kill('SIGKILL');
      await b.close();
      await server().dropDatabase(url);
    }
  });
});

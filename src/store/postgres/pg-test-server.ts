/**
 * Test-file plumbing for the PostgreSQL suites: one throwaway server per test file, or a clear
 * failure under CI, or a skip with its reason elsewhere when PostgreSQL is not installed.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';

import {
  type PostgresServer,
  postgresUnavailableReason,
  startPostgresServer,
} from '../../testing/postgres-server.js';

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

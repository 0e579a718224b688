/**
 * Crash safety (issue #10), short form for CI: at least 20 `kill -9`s of the built server under
 * sustained ingest from 4 clients. Needs `npx tsc -p tsconfig.build.json` first (it runs dist).
 * Long form: `node test/reliability/long-crash.mjs` (or NETSEC_CRASH_KILLS, NETSEC_CRASH_SEED,
 * NETSEC_CRASH_CLIENTS here).
 */
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { runCrashTest } from '../../src/testing/crash-harness.js';

const kills = Number(process.env.NETSEC_CRASH_KILLS ?? 20);
const clients = Number(process.env.NETSEC_CRASH_CLIENTS ?? 4);
const seed = process.env.NETSEC_CRASH_SEED ? Number(process.env.NETSEC_CRASH_SEED) : undefined;
const built = existsSync(new URL('../../dist/cli/main.js', import.meta.url));

describe('crash safety under kill -9', () => {
  it.skipIf(!built && process.env.CI !== 'true')(
    `every acknowledged batch survives ${kills} kills exactly once${built ? '' : ' (skipped: dist not built)'}`,
    async () => {
      const report = await runCrashTest({
        kills,
        clients,
        ...(seed !== undefined ? { seed } : {}),
        log: (l) => console.log(l),
      });
      // The seed is printed so that a failure can be replayed with NETSEC_CRASH_SEED.
      expect(report.problems, `seed ${report.seed}, store kept in ${report.dir}`).toEqual([]);
      expect(report.kills).toBeGreaterThanOrEqual(Math.min(kills, 20));
      expect(report.acknowledged).toBeGreaterThan(kills);
      expect(report.failedAttempts).toBeGreaterThan(0); // the kills really cut requests off
      expect(report.integrity).toBe('ok');
      expect(report.rollupFlows).toBeGreaterThanOrEqual(report.flowsAcknowledged);
    },
    // About 3 s per kill on an idle machine; start-up alone took 8-10 s at a load average of 16.
    60_000 + kills * 15_000,
  );
});

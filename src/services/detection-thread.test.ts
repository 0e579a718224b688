// Detection computed on its own thread. The thread runs compiled JavaScript, so these tests use
// the worker in dist/ (`npm test` builds first); everything around it is the source.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { resolveDetectOptions } from '../domain/detect/options.js';
import { openSqliteStore, type SqliteFlowStore } from '../store/sqlite/sqlite-store.js';
import { externalEndpoint, makeFlow, podEndpoint, T0 } from '../testing/flow-factory.js';
import { detectRange } from './detection.js';
import { DetectionScheduler } from './detection-scheduler.js';
import { findingStoreFor } from './detection-store.js';
import { DetectionThread } from './detection-thread.js';

const WORKER = new URL('../../dist/services/detection-worker.js', import.meta.url);
const HOUR = 3_600_000;
const options = resolveDetectOptions({});

const open: { store: SqliteFlowStore; dir: string; thread: DetectionThread | null }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.thread?.close();
    await o.store.close();
    rmSync(o.dir, { recursive: true, force: true });
  }
});

/** A file store with a port scan and an external probe in the hour before T0, and a thread. */
async function setup(): Promise<{ store: SqliteFlowStore; thread: DetectionThread }> {
  if (!existsSync(fileURLToPath(WORKER))) {
    throw new Error(`${fileURLToPath(WORKER)} is missing: run \`npm run build\` first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'netsec-detect-thread-'));
  const path = join(dir, 'netsec.db');
  const store = openSqliteStore({ path, now: () => T0 });
  const scan = Array.from({ length: 40 }, (_, i) =>
    makeFlow({ time: T0 - 30 * 60_000 + i * 1000, port: 1000 + i }),
  );
  const probe = Array.from({ length: 12 }, (_, i) =>
    makeFlow({
      time: T0 - 20 * 60_000 + i * 5000,
      src: externalEndpoint('198.51.100.23'),
      dst: podEndpoint('payments', 'api', '10.244.2.31'),
      port: [22, 3306, 5432, 6379][i % 4],
      direction: 'ingress',
    }),
  );
  await store.writeBatch({ id: 'b', flows: [...scan, ...probe], source: 'hubble', receivedAt: T0 });
  const thread = DetectionThread.open({ path, options, workerFile: WORKER });
  if (!thread) throw new Error('no detection thread for a file store');
  open.push({ store, dir, thread });
  return { store, thread };
}

describe('DetectionThread', () => {
  it('computes the same findings as a run in-process, without storing them', async () => {
    const { store, thread } = await setup();
    const range = { from: T0 - 2 * HOUR, to: T0 };
    const findings = findingStoreFor(store);
    const there = await thread.run(range, T0);
    const here = await detectRange({ store, findings, options }, range, {
      now: T0,
      persist: false,
    });
    const view = (r: typeof here) =>
      r.findings.map((f) => ({ key: f.key, type: f.type, explanation: f.explanation }));
    expect(
      view(there)
        .map((f) => f.type)
        .sort(),
    ).toEqual(['external-probe', 'port-scan']);
    expect(view(there)).toEqual(view(here));
    expect(there.deniedEvents).toBe(52);
    expect(await findings.listFindings({})).toEqual([]);
  });

  it('lets the scheduler store what the thread computed', async () => {
    const { store, thread } = await setup();
    const findings = findingStoreFor(store);
    const scheduler = new DetectionScheduler(
      { store, findings, options, now: () => T0 },
      { compute: (range, now) => thread.run(range, now) },
    );
    const run = await scheduler.runNow(T0);
    expect(run?.findings).toHaveLength(2);
    const stored = await findings.listFindings({});
    expect(stored.map((f) => f.type).sort()).toEqual(['external-probe', 'port-scan']);
    // A second run extends the same findings rather than adding new ones.
    await scheduler.runNow(T0);
    expect(await findings.listFindings({})).toHaveLength(2);
  });

  it('fails a run in progress when closed, and every run after', async () => {
    const { thread } = await setup();
    const running = expect(thread.run({ from: T0 - 2 * HOUR, to: T0 }, T0)).rejects.toThrow(
      /stopped/,
    );
    await thread.close();
    await running;
    await expect(thread.run({ from: T0 - HOUR, to: T0 }, T0)).rejects.toThrow(/closed/);
  });

  it('is not offered for an in-memory store', () => {
    expect(DetectionThread.open({ path: ':memory:', options, workerFile: WORKER })).toBeNull();
  });
});

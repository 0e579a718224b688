// Prepared batches (what ingest workers hand to the writer) must leave the database exactly as
// writing the same flows does: raw events, keys and their ids, all three tiers, versions,
// batches and source health.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { Flow } from '../../domain/flow.js';
import { dumpFlowTables } from '../../testing/sqlite-dump.js';
import { batchOf } from '../contract/context.js';
import { makeFlow, makeFlows, podEndpoint, T0 } from '../contract/flow-fixtures.js';
import { DEFAULT_RETENTION } from '../flow-store.js';
import { type StoreBatch } from '../prepared-batch.js';
import { prepareBatch } from './prepared-batch.js';
import { openSqliteStore, type SqliteFlowStore } from './sqlite-store.js';

const DAY = 86_400_000;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function openTemp(): SqliteFlowStore {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-prepared-'));
  dirs.push(dir);
  return openSqliteStore({ path: join(dir, 's.db'), allowedSampleRate: 0.3 });
}

const dump = (store: SqliteFlowStore): Record<string, unknown[]> => dumpFlowTables(store.db);

/** Flows with counters; some carry version labels (version sightings), some no counters. */
function flowsOf(n: number, seed: number, start = T0): Flow[] {
  const counted = makeFlows(n, { seed, start, spanMs: 3 * 3_600_000, deniedShare: 0.2 }).map(
    (f, i): Flow => ({ ...f, flows: 1 + (i % 2), packets: 3 + (i % 5), bytes: 100 * i }),
  );
  return counted.map((f, i) =>
    i % 7 === 0
      ? {
          ...f,
          src: podEndpoint(f.src.namespace ?? 'shop', 'api', f.src.ip ?? '10.0.0.1', {
            labels: { app: 'api', 'app.kubernetes.io/version': `1.${i % 3}` },
          }),
        }
      : i % 11 === 0
        ? { ...f, packets: null, bytes: null }
        : f,
  );
}

/** Writes each group to both stores: as flows into `plain`, prepared (or as `kinds` says) into `other`. */
async function writeBoth(
  plain: SqliteFlowStore,
  other: SqliteFlowStore,
  groups: ReturnType<typeof batchOf>[][],
  kinds: (i: number) => 'prepared' | 'flows' = () => 'prepared',
): Promise<void> {
  const rate = other.preparedWrites.sampleRate;
  for (const group of groups) {
    const a = await plain.writeBatches(group);
    // Cloned, as a worker thread's message is: raw rows' Buffers arrive as Uint8Arrays.
    const mixed: StoreBatch[] = group.map((b, i) =>
      kinds(i) === 'prepared' ? structuredClone(prepareBatch(b, rate)) : b,
    );
    const b = await other.writeBatches(mixed);
    expect(b).toEqual(a);
  }
}

describe('prepared batches', () => {
  it('leave every table as writing the flows does', async () => {
    const plain = openTemp();
    const prepared = openTemp();
    const groups = [
      [batchOf('a', flowsOf(400, 1)), batchOf('b', flowsOf(300, 2)), batchOf('a', flowsOf(5, 9))],
      [batchOf('c', flowsOf(500, 3)), batchOf('b', flowsOf(300, 2))],
    ];
    await writeBoth(plain, prepared, groups);
    const want = dump(plain);
    expect(want.flow_events?.length).toBeGreaterThan(100);
    expect(want.workload_versions?.length).toBeGreaterThan(1);
    expect(dump(prepared)).toEqual(want);
    await plain.close();
    await prepared.close();
  });

  it('mix with batches of flows in one transaction', async () => {
    const plain = openTemp();
    const mixed = openTemp();
    const groups = [
      [batchOf('a', flowsOf(300, 4)), batchOf('b', flowsOf(300, 5)), batchOf('c', flowsOf(50, 6))],
    ];
    await writeBoth(plain, mixed, groups, (i) => (i === 1 ? 'flows' : 'prepared'));
    expect(dump(mixed)).toEqual(dump(plain));
    await plain.close();
    await mixed.close();
  });

  it('add late cells to days the daily tier has summed already', async () => {
    const plain = openTemp();
    const prepared = openTemp();
    await writeBoth(plain, prepared, [[batchOf('d1', flowsOf(300, 7))]]);
    for (const s of [plain, prepared]) await s.applyRetention(T0 + 3 * DAY, DEFAULT_RETENTION);
    expect((dump(plain).rollup_1d ?? []).length).toBeGreaterThan(0);
    // Late flows of the summed day, and a flow of a day not summed yet.
    const late = [...flowsOf(200, 8), makeFlow({ time: T0 + 3 * DAY + 60_000 })];
    await writeBoth(plain, prepared, [[batchOf('late', late)]]);
    expect(dump(prepared)).toEqual(dump(plain));
    await plain.close();
    await prepared.close();
  });

  it('sum each cell once per (bucket, key)', () => {
    const input = flowsOf(100, 10);
    const p = prepareBatch(batchOf('x', input), 0.3);
    expect(p.flows).toBe(100);
    // One cell per (bucket, key) in each tier; its counts add up to the batch's.
    for (const cells of [p.m1, p.h1]) {
      const seen = new Set<string>();
      let flows = 0;
      for (let i = 0; i < cells.length; i += 7) {
        seen.add(`${cells[i]}/${cells[i + 1]}`);
        flows += cells[i + 2] as number;
      }
      expect(seen.size).toBe(cells.length / 7);
      expect(flows).toBe(input.reduce((n, f) => n + (f.flows ?? 0), 0));
    }
  });
});

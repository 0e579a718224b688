/**
 * Batches whose every flow says which batch it belongs to, so a test can count, per batch, what
 * the store holds: denied flows (always kept as raw events) with the batch name as source pod.
 */
import Database from 'better-sqlite3';

import { toNativeLine } from '../api/flow-schema.js';
import { makeFlow, T0 } from './flow-factory.js';

/**
 * `n` native NDJSON lines of batch `name` (which should start with `rel-`), one flow each, a
 * second apart from `t0`. Give a recent `t0` to a server that runs retention.
 */
export function markedBatch(name: string, n: number, t0 = T0): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const flow = makeFlow({
      time: t0 + i * 1000,
      cluster: 'rel',
      src: { pod: name, labels: { batch: name } },
      port: 1000 + i,
    });
    lines.push(toNativeLine(flow));
  }
  return `${lines.join('\n')}\n`;
}

export interface StoredBatches {
  /** Raw events per batch name (source pod). */
  rows: Map<string, number>;
  /** Idempotency records per batch id. */
  batchIds: Set<string>;
  /** Flows counted in the 1-minute rollups of cluster `rel` (the flows' own cluster). */
  rollupFlows: number;
  integrity: string;
}

/** Reads a closed (or live, WAL) SQLite store directly: per-batch counts and the integrity check. */
export function readStoredBatches(path: string): StoredBatches {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = new Map<string, number>();
    for (const r of db
      .prepare(
        `SELECT src_pod AS pod, count(*) AS n FROM flow_events WHERE src_pod LIKE 'rel-%' GROUP BY src_pod`,
      )
      .all() as { pod: string; n: number }[]) {
      rows.set(r.pod, r.n);
    }
    const batchIds = new Set(db.prepare('SELECT id FROM batches').pluck().all() as string[]);
    const rollupFlows =
      (db
        .prepare(
          `SELECT sum(r.flows) FROM rollup_1m r JOIN rollup_keys k ON k.id = r.key_id
           WHERE k.cluster = 'rel'`,
        )
        .pluck()
        .get() as number | null) ?? 0;
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ');
    return { rows, batchIds, rollupFlows, integrity };
  } finally {
    db.close();
  }
}

/**
 * Batch writer: one transaction per batch, acknowledged after COMMIT. The batch id is inserted
 * first with ON CONFLICT DO NOTHING, so of two transactions carrying the same id (from any
 * replica) the second waits for the first and then writes nothing. Raw events go in with one
 * unnest() insert; rollups are pre-aggregated in memory and upserted with one statement per
 * tier. Rows are locked in one global order (batch id, keys by text, cells by bucket and key,
 * health), so concurrent batches cannot deadlock on each other.
 */
import type pg from 'pg';

import type { Flow } from '../../domain/flow.js';
import { bucketStart, HOUR_MS, MINUTE_MS } from '../../domain/time.js';
import { accumulate, type RollupTier } from '../batch-aggregate.js';
import type { BatchResult, IngestBatch } from '../flow-store.js';
import { type RollupKey, rollupKeyOf, rollupKeyTextOf } from '../rollup-key.js';
import { rawEventWeight } from '../sampling.js';
import { ROLLUP_KEYS_LOCK } from './locks.js';
import { isRetryable, pgText } from './pool.js';
import { RAW_INSERT_SQL, RawColumns } from './raw-columns.js';

const MAX_ATTEMPTS = 4;

const BATCH_SQL = `WITH ins AS (
  INSERT INTO batches (id, received_at, flows, source, lost_events) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (id) DO NOTHING RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS inserted,
       (SELECT value FROM store_meta WHERE name = 'rollup_key_epoch') AS epoch`;

const KEY_INSERT_SQL = `INSERT INTO rollup_keys (key_text, cluster, src_ns, src_wl, src_kind,
  dst_ns, dst_wl, dst_kind, protocol, port, direction, verdict, reason, policy, source)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
  $7::text[], $8::text[], $9::text[], $10::integer[], $11::text[], $12::text[], $13::text[],
  $14::text[], $15::text[])
ON CONFLICT (key_text) DO NOTHING`;

const upsertSql = (t: string): string => `
INSERT INTO ${t} (bucket, key_id, flows, packets, bytes, first_seen, last_seen)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[],
  $6::bigint[], $7::bigint[])
ON CONFLICT (bucket, key_id) DO UPDATE SET
  flows = coalesce(${t}.flows + excluded.flows, ${t}.flows, excluded.flows),
  packets = coalesce(${t}.packets + excluded.packets, ${t}.packets, excluded.packets),
  bytes = coalesce(${t}.bytes + excluded.bytes, ${t}.bytes, excluded.bytes),
  first_seen = least(${t}.first_seen, excluded.first_seen),
  last_seen = greatest(${t}.last_seen, excluded.last_seen)`;

// greatest() ignores NULL: a batch without flows leaves last_data_at as it was.
const HEALTH_SQL = `INSERT INTO source_health
  (source, last_data_at, last_batch_at, flows_total, lost_events_total)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (source) DO UPDATE SET
  last_data_at = greatest(source_health.last_data_at, excluded.last_data_at),
  last_batch_at = greatest(source_health.last_batch_at, excluded.last_batch_at),
  flows_total = source_health.flows_total + excluded.flows_total,
  lost_events_total = source_health.lost_events_total + excluded.lost_events_total`;

/** Everything a batch needs that does not depend on the database: computed before BEGIN. */
interface Prepared {
  raw: RawColumns;
  m1: RollupTier<string>;
  h1: RollupTier<string>;
  keys: Map<string, Flow>;
  lastData: number | null;
}

function prepare(batch: IngestBatch, sampleRate: number): Prepared {
  const raw = new RawColumns();
  const m1: RollupTier<string> = new Map();
  const h1: RollupTier<string> = new Map();
  const keys = new Map<string, Flow>();
  let lastData: number | null = null;
  for (const f of batch.flows) {
    const w = rawEventWeight(f, sampleRate);
    if (w > 0) raw.push(f, w);
    const text = rollupKeyTextOf(f);
    if (!keys.has(text)) keys.set(text, f);
    accumulate(m1, bucketStart(f.time, MINUTE_MS), text, f);
    accumulate(h1, bucketStart(f.time, HOUR_MS), text, f);
    if (lastData === null || f.time > lastData) lastData = f.time;
  }
  return { raw, m1, h1, keys, lastData };
}

function upsertParams(tier: RollupTier<string>, ids: Map<string, number>): number[][] {
  const rows: [number, number, number | null, number | null, number | null, number, number][] = [];
  for (const [bucket, byKey] of tier) {
    for (const a of byKey.values()) {
      rows.push([bucket, ids.get(a.key) as number, a.flows, a.packets, a.bytes, a.first, a.last]);
    }
  }
  rows.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return Array.from({ length: 7 }, (_, i) => rows.map((r) => r[i] as number));
}

export class PgBatchWriter {
  /** Aggregation key text → id, valid while `keyEpoch` matches store_meta. Committed keys only. */
  private readonly keyIds = new Map<string, number>();
  private keyEpoch = '';

  constructor(
    private readonly pool: pg.Pool,
    private readonly sampleRate: number,
  ) {}

  async write(batch: IngestBatch): Promise<BatchResult> {
    const prepared = prepare(batch, this.sampleRate);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writeOnce(batch, prepared);
      } catch (err) {
        if (!isRetryable(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  private async writeOnce(batch: IngestBatch, p: Prepared): Promise<BatchResult> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const result = await this.inTransaction(client, batch, p);
        if (result.duplicate) await client.query('ROLLBACK');
        else await client.query('COMMIT');
        if (!result.duplicate) this.publish(result.epoch, result.ids);
        return result.result;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      }
    } finally {
      client.release(broken);
    }
  }

  /** Key ids become visible to other batches of this process only once their insert committed. */
  private publish(epoch: string, ids: Map<string, number>): void {
    if (epoch !== this.keyEpoch) return;
    for (const [k, v] of ids) this.keyIds.set(k, v);
  }

  private async inTransaction(
    client: pg.PoolClient,
    batch: IngestBatch,
    p: Prepared,
  ): Promise<{ duplicate: boolean; epoch: string; ids: Map<string, number>; result: BatchResult }> {
    const lost = batch.lostEvents ?? 0;
    const n = batch.flows.length;
    // Its own statement: the next one's snapshot must be taken after the lock is granted.
    await client.query({
      name: 'netsec-keys-lock',
      text: 'SELECT pg_advisory_xact_lock_shared($1, $2)',
      values: ROLLUP_KEYS_LOCK,
    });
    const head = await client.query<{ inserted: number; epoch: string }>({
      name: 'netsec-batch',
      text: BATCH_SQL,
      values: [pgText(batch.id), batch.receivedAt, n, batch.source, lost],
    });
    const row = head.rows[0];
    if (!row || row.inserted === 0) {
      return {
        duplicate: true,
        epoch: '',
        ids: new Map(),
        result: { batchId: batch.id, duplicate: true, flows: n, rawEvents: 0 },
      };
    }
    if (row.epoch !== this.keyEpoch) {
      this.keyIds.clear();
      this.keyEpoch = row.epoch;
    }
    const ids = await this.keyIdsFor(client, p.keys);
    if (p.raw.length > 0) {
      await client.query({ name: 'netsec-raw', text: RAW_INSERT_SQL, values: p.raw.arrays });
    }
    if (n > 0) {
      await client.query({
        name: 'netsec-up-1m',
        text: upsertSql('rollup_1m'),
        values: upsertParams(p.m1, ids),
      });
      await client.query({
        name: 'netsec-up-1h',
        text: upsertSql('rollup_1h'),
        values: upsertParams(p.h1, ids),
      });
    }
    await client.query({
      name: 'netsec-health',
      text: HEALTH_SQL,
      values: [batch.source, p.lastData, batch.receivedAt, n, lost],
    });
    return {
      duplicate: false,
      epoch: row.epoch,
      ids,
      result: { batchId: batch.id, duplicate: false, flows: n, rawEvents: p.raw.length },
    };
  }

  /** Ids of the batch's keys: cached ones, then missing ones inserted (if new) and read back. */
  private async keyIdsFor(
    client: pg.PoolClient,
    keys: Map<string, Flow>,
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const missing: string[] = [];
    for (const text of keys.keys()) {
      const id = this.keyIds.get(text);
      if (id === undefined) missing.push(text);
      else ids.set(text, id);
    }
    if (missing.length === 0) return ids;
    missing.sort();
    const cols: (string | number | null)[][] = Array.from({ length: 15 }, () => []);
    for (const text of missing) {
      const k: RollupKey = rollupKeyOf(keys.get(text) as Flow);
      const values = [
        text,
        k.cluster,
        k.srcNamespace,
        k.srcWorkload,
        k.srcKind,
        k.dstNamespace,
        k.dstWorkload,
        k.dstKind,
        k.protocol,
        k.port,
        k.direction,
        k.verdict,
        k.reason,
        k.policy,
        k.source,
      ];
      values.forEach((v, i) => cols[i]?.push(typeof v === 'string' ? pgText(v) : v));
    }
    await client.query({ name: 'netsec-key-insert', text: KEY_INSERT_SQL, values: cols });
    // A separate statement: its snapshot sees keys that a concurrent batch committed while
    // this one waited on the unique index.
    const found = await client.query<{ id: number; key_text: string }>({
      name: 'netsec-key-select',
      text: 'SELECT id, key_text FROM rollup_keys WHERE key_text = ANY($1::text[])',
      values: [cols[0]],
    });
    for (const r of found.rows) ids.set(r.key_text, r.id);
    for (const text of missing) {
      if (!ids.has(pgText(text))) throw new Error('aggregation key missing after insert');
      if (text !== pgText(text)) ids.set(text, ids.get(pgText(text)) as number);
    }
    return ids;
  }
}

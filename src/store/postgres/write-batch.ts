/**
 * Batch writer: one transaction per call (one batch, or a group of batches for group commit),
 * acknowledged after COMMIT. Batch ids are inserted first with ON CONFLICT DO NOTHING, so of two
 * transactions carrying the same id (from any replica) the second waits for the first and then
 * writes nothing for it. Raw events go in with one unnest() insert; rollups are pre-aggregated
 * in memory over the whole group and upserted with one statement per tier. Rows are locked in
 * one global order (batch ids, keys by text, cells by bucket and key, health by source), so
 * concurrent writers cannot deadlock on each other.
 */
import type pg from 'pg';

import { type VersionSighting, VersionSightings } from '../../domain/detect/changes.js';
import { lateDailyCells, type RollupTier } from '../batch-aggregate.js';
import type { BatchResult } from '../flow-store.js';
import {
  addFlatCells,
  flowCountOf,
  isPgPrepared,
  isPrepared,
  type StoreBatch,
} from '../prepared-batch.js';
import type { RollupKey } from '../rollup-key.js';
import { ROLLUP_KEYS_LOCK } from './locks.js';
import { isRetryable, pgText } from './pool.js';
import { type PgPreparedBatch, preparePgBatch } from './prepared-batch-pg.js';
import { RAW_INSERT_SQL, RawColumns } from './raw-columns.js';

const MAX_ATTEMPTS = 4;

const BATCH_SQL = `WITH ins AS (
  INSERT INTO batches (id, received_at, flows, source, lost_events)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::integer[], $4::text[], $5::bigint[])
  ON CONFLICT (id) DO NOTHING RETURNING id
)
SELECT coalesce((SELECT array_agg(id) FROM ins), '{}') AS inserted,
       (SELECT value FROM store_meta WHERE name = 'rollup_key_epoch') AS epoch,
       (SELECT value FROM store_meta WHERE name = 'rollup_1d_through') AS through`;

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

// greatest() ignores NULL: batches without flows leave last_data_at as it was.
const HEALTH_SQL = `INSERT INTO source_health
  (source, last_data_at, last_batch_at, flows_total, lost_events_total)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])
ON CONFLICT (source) DO UPDATE SET
  last_data_at = greatest(source_health.last_data_at, excluded.last_data_at),
  last_batch_at = greatest(source_health.last_batch_at, excluded.last_batch_at),
  flows_total = source_health.flows_total + excluded.flows_total,
  lost_events_total = source_health.lost_events_total + excluded.lost_events_total`;

const VERSION_SQL = `INSERT INTO workload_versions (cluster, workload, version, first_seen, last_seen)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
ON CONFLICT (cluster, workload, version) DO UPDATE SET
  first_seen = least(workload_versions.first_seen, excluded.first_seen),
  last_seen = greatest(workload_versions.last_seen, excluded.last_seen)`;

interface Health {
  lastData: number | null;
  lastBatch: number;
  flows: number;
  lost: number;
}

/** What the batches that won their ids add, aggregated over the group. */
interface Prepared {
  raw: RawColumns;
  m1: RollupTier<string>;
  h1: RollupTier<string>;
  /** Key text → its fields, for inserting the keys without an id yet. */
  keys: Map<string, RollupKey>;
  health: Map<string, Health>;
  versions: VersionSightings;
  flows: number;
  /** Raw events kept, per batch. */
  rawPerBatch: number[];
}

/** A prepared batch merged into the group: its rows, keys, cells and sightings as they are. */
function mergePrepared(p: Prepared, b: PgPreparedBatch, h: Health): void {
  p.raw.appendEncoded(b.raw, b.rawRows);
  b.keyTexts.forEach((text, i) => {
    if (!p.keys.has(text)) p.keys.set(text, b.keys[i] as RollupKey);
  });
  const textOf = (k: number): string => b.keyTexts[k] as string;
  addFlatCells(p.m1, b.m1, textOf);
  addFlatCells(p.h1, b.h1, textOf);
  for (const v of b.versions) p.versions.addSighting(v);
  if (b.lastData !== null && (h.lastData === null || b.lastData > h.lastData)) {
    h.lastData = b.lastData;
  }
}

function prepare(batches: readonly StoreBatch[], sampleRate: number): Prepared {
  const p: Prepared = {
    raw: new RawColumns(),
    m1: new Map(),
    h1: new Map(),
    keys: new Map(),
    health: new Map(),
    versions: new VersionSightings(),
    flows: 0,
    rawPerBatch: [],
  };
  for (const batch of batches) {
    let h = p.health.get(batch.source);
    if (!h)
      p.health.set(
        batch.source,
        (h = { lastData: null, lastBatch: batch.receivedAt, flows: 0, lost: 0 }),
      );
    const n = flowCountOf(batch);
    h.lastBatch = Math.max(h.lastBatch, batch.receivedAt);
    h.flows += n;
    h.lost += batch.lostEvents ?? 0;
    p.flows += n;
    if (isPrepared(batch)) {
      throw new Error(`batch ${batch.id} was prepared for SQLite, not for this PostgreSQL store`);
    }
    // A batch of flows (no ingest worker prepared it) is prepared here, the same way.
    const b = isPgPrepared(batch) ? batch : preparePgBatch(batch, sampleRate);
    mergePrepared(p, b, h);
    p.rawPerBatch.push(b.rawRows);
  }
  return p;
}

/**
 * The group's version sightings as PostgreSQL text, merged where `pgText` makes two the same
 * (one statement may not update a row twice), sorted: the lock order.
 */
function versionRows(versions: VersionSightings): VersionSighting[] {
  const merged = new Map<string, VersionSighting>();
  for (const x of versions.list()) {
    const row = {
      ...x,
      cluster: pgText(x.cluster),
      workload: pgText(x.workload),
      version: pgText(x.version),
    };
    const key = JSON.stringify([row.cluster, row.workload, row.version]);
    const seen = merged.get(key);
    if (!seen) merged.set(key, row);
    else {
      seen.firstSeen = Math.min(seen.firstSeen, row.firstSeen);
      seen.lastSeen = Math.max(seen.lastSeen, row.lastSeen);
    }
  }
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

function healthParams(health: Map<string, Health>): (string | number | null)[][] {
  const sources = [...health.keys()].sort();
  const hs = sources.map((s) => health.get(s) as Health);
  return [
    sources,
    hs.map((h) => h.lastData),
    hs.map((h) => h.lastBatch),
    hs.map((h) => h.flows),
    hs.map((h) => h.lost),
  ];
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
    /** Told the flows of each transaction that committed (see `growth-analyzer.ts`). */
    private readonly onCommitted: (flows: number) => void = () => undefined,
  ) {}

  async write(batch: StoreBatch): Promise<BatchResult> {
    return (await this.writeMany([batch]))[0] as BatchResult;
  }

  /** Group commit: all batches in one transaction, one result per batch in input order. */
  async writeMany(batches: readonly StoreBatch[]): Promise<BatchResult[]> {
    if (batches.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.writeOnce(batches);
      } catch (err) {
        if (!isRetryable(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  private async writeOnce(batches: readonly StoreBatch[]): Promise<BatchResult[]> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const done = await this.inTransaction(client, batches);
        await client.query(done.wrote ? 'COMMIT' : 'ROLLBACK');
        if (done.wrote) {
          this.publish(done.epoch, done.ids);
          this.onCommitted(done.flows);
        }
        return done.results;
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
    batches: readonly StoreBatch[],
  ): Promise<{
    wrote: boolean;
    epoch: string;
    ids: Map<string, number>;
    results: BatchResult[];
    flows: number;
  }> {
    // Its own statement: the next one's snapshot must be taken after the lock is granted.
    await client.query({
      name: 'netsec-keys-lock',
      text: 'SELECT pg_advisory_xact_lock_shared($1, $2)',
      values: ROLLUP_KEYS_LOCK,
    });
    // The first batch with an id stands for it; ids are inserted sorted (lock order).
    const first = new Map<string, number>();
    batches.forEach((b, i) => {
      const id = pgText(b.id);
      if (!first.has(id)) first.set(id, i);
    });
    const ids = [...first.keys()].sort();
    const heads = ids.map((id) => batches[first.get(id) as number] as StoreBatch);
    const head = await client.query<{ inserted: string[]; epoch: string; through: string }>({
      name: 'netsec-batches',
      text: BATCH_SQL,
      values: [
        ids,
        heads.map((b) => b.receivedAt),
        heads.map((b) => flowCountOf(b)),
        heads.map((b) => b.source),
        heads.map((b) => b.lostEvents ?? 0),
      ],
    });
    const row = head.rows[0];
    const inserted = new Set(row?.inserted ?? []);
    const wins = batches.map((b, i) => {
      const id = pgText(b.id);
      return first.get(id) === i && inserted.has(id);
    });
    const winners = batches.filter((_, i) => wins[i]);
    const p = prepare(winners, this.sampleRate);
    const results = batches.map((b, i): BatchResult => ({
      batchId: b.id,
      duplicate: !wins[i],
      flows: flowCountOf(b),
      rawEvents: 0,
    }));
    if (!row || winners.length === 0) {
      return { wrote: false, epoch: '', ids: new Map(), results, flows: 0 };
    }
    if (row.epoch !== this.keyEpoch) {
      this.keyIds.clear();
      this.keyEpoch = row.epoch;
    }
    const keyIds = await this.keyIdsFor(client, p.keys);
    if (p.raw.length > 0) {
      await client.query({ name: 'netsec-raw', text: RAW_INSERT_SQL, values: p.raw.params() });
    }
    if (p.flows > 0) {
      await client.query({
        name: 'netsec-up-1m',
        text: upsertSql('rollup_1m'),
        values: upsertParams(p.m1, keyIds),
      });
      await client.query({
        name: 'netsec-up-1h',
        text: upsertSql('rollup_1h'),
        values: upsertParams(p.h1, keyIds),
      });
      // Hourly cells of a day the daily tier has summed already go into its row too. Retention
      // sums a day under the keys lock held exclusively, so the head read a settled mark.
      const late = lateDailyCells(p.h1, Number(row.through ?? 0));
      if (late.size > 0) {
        await client.query({
          name: 'netsec-up-1d',
          text: upsertSql('rollup_1d'),
          values: upsertParams(late, keyIds),
        });
      }
    }
    await client.query({ name: 'netsec-health', text: HEALTH_SQL, values: healthParams(p.health) });
    if (p.versions.size > 0) {
      const v = versionRows(p.versions);
      await client.query({
        name: 'netsec-versions',
        text: VERSION_SQL,
        values: [
          v.map((x) => x.cluster),
          v.map((x) => x.workload),
          v.map((x) => x.version),
          v.map((x) => x.firstSeen),
          v.map((x) => x.lastSeen),
        ],
      });
    }
    let w = 0;
    results.forEach((r, i) => {
      if (wins[i]) r.rawEvents = p.rawPerBatch[w++] ?? 0;
    });
    return { wrote: true, epoch: row.epoch, ids: keyIds, results, flows: p.flows };
  }

  /** Ids of the batch's keys: cached ones, then missing ones inserted (if new) and read back. */
  private async keyIdsFor(
    client: pg.PoolClient,
    keys: Map<string, RollupKey>,
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
      const k = keys.get(text) as RollupKey;
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

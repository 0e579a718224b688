/**
 * Batch writer: one IMMEDIATE transaction per group of batches. Duplicate ids write nothing.
 * Raw events go in with one prepared statement; rollups are pre-aggregated in memory over the
 * whole group and upserted once per (bucket, key), so a 20,000-flow group costs a few hundred
 * upserts, not tens of thousands.
 */
import type Database from 'better-sqlite3';

import { VersionSightings } from '../../domain/detect/changes.js';
import type { Flow } from '../../domain/flow.js';
import { bucketStart, HOUR_MS, MINUTE_MS } from '../../domain/time.js';
import { accumulate, lateDailyCells, type RollupTier } from '../batch-aggregate.js';
import type { BatchResult } from '../flow-store.js';
import {
  addFlatCells,
  flowCountOf,
  isPgPrepared,
  isPrepared,
  type StoreBatch,
} from '../prepared-batch.js';
import { type RollupKey, rollupKeyFromText, rollupKeyOf, rollupKeyTextOf } from '../rollup-key.js';
import { rawEventWeight } from '../sampling.js';
import { DAILY_THROUGH_SQL } from './daily-tier.js';
import { RAW_COLUMNS, rawParams } from './flow-row.js';
import { KEY_ID_SQL } from './key-side.js';
import { type PreparedBatch } from './prepared-batch.js';

type Tier = RollupTier<number>;

const upsertSql = (table: string): string => `
INSERT INTO ${table} (bucket, key_id, flows, packets, bytes, first_seen, last_seen)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (bucket, key_id) DO UPDATE SET
  flows = coalesce(flows + excluded.flows, flows, excluded.flows),
  packets = coalesce(packets + excluded.packets, packets, excluded.packets),
  bytes = coalesce(bytes + excluded.bytes, bytes, excluded.bytes),
  first_seen = min(first_seen, excluded.first_seen),
  last_seen = max(last_seen, excluded.last_seen)`;

export class BatchWriter {
  private readonly keyIds = new Map<string, number>();
  private keyEpoch = '';
  private readonly stmts;
  private readonly tx: (batches: readonly StoreBatch[]) => BatchResult[];

  constructor(
    private readonly db: Database.Database,
    private readonly sampleRate: number,
  ) {
    this.stmts = {
      seen: db.prepare('SELECT 1 FROM batches WHERE id = ?').pluck(),
      epoch: db.prepare("SELECT value FROM store_meta WHERE name = 'rollup_key_epoch'").pluck(),
      raw: db.prepare(
        `INSERT INTO flow_events (${RAW_COLUMNS.join(', ')}) VALUES (${RAW_COLUMNS.map(() => '?').join(', ')})`,
      ),
      keyInsert: db.prepare(
        `INSERT INTO rollup_keys (id, key_text, cluster, src_ns, src_wl, src_kind, dst_ns, dst_wl,
           dst_kind, protocol, port, direction, verdict, reason, policy, source)
         VALUES (${KEY_ID_SQL}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key_text) DO NOTHING`,
      ),
      keySelect: db.prepare('SELECT id FROM rollup_keys WHERE key_text = ?').pluck(),
      up1m: db.prepare(upsertSql('rollup_1m')),
      up1h: db.prepare(upsertSql('rollup_1h')),
      up1d: db.prepare(upsertSql('rollup_1d')),
      through: db.prepare(DAILY_THROUGH_SQL).pluck(),
      version: db.prepare(
        `INSERT INTO workload_versions (cluster, workload, version, first_seen, last_seen)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (cluster, workload, version) DO UPDATE SET
           first_seen = min(first_seen, excluded.first_seen),
           last_seen = max(last_seen, excluded.last_seen)`,
      ),
      batch: db.prepare(
        'INSERT INTO batches (id, received_at, flows, source, lost_events) VALUES (?, ?, ?, ?, ?)',
      ),
      health: db.prepare(
        `INSERT INTO source_health (source, last_data_at, last_batch_at, flows_total, lost_events_total)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (source) DO UPDATE SET
           last_data_at = CASE WHEN last_data_at IS NULL OR excluded.last_data_at > last_data_at
                               THEN coalesce(excluded.last_data_at, last_data_at) ELSE last_data_at END,
           last_batch_at = max(last_batch_at, excluded.last_batch_at),
           flows_total = flows_total + excluded.flows_total,
           lost_events_total = lost_events_total + excluded.lost_events_total`,
      ),
    };
    this.tx = db.transaction((batches: readonly StoreBatch[]) => this.writeInTx(batches)).immediate;
  }

  /**
   * Writes batches in one transaction (group commit); returns after COMMIT (better-sqlite3 is
   * synchronous). Each batch keeps its own idempotency record: a batch committed before, or
   * repeated inside the group, writes nothing. One failing batch rolls back the whole group.
   * Batches of flows and prepared batches (`prepared-batch.ts`) may be mixed.
   */
  write(batches: readonly StoreBatch[]): BatchResult[] {
    if (batches.length === 0) return [];
    try {
      return this.tx(batches);
    } catch (err) {
      // Ids of keys inserted by the rolled-back transaction do not exist any more.
      this.keyIds.clear();
      this.keyEpoch = '';
      throw err;
    }
  }

  private keyId(f: Flow): number {
    const text = rollupKeyTextOf(f);
    const cached = this.keyIds.get(text);
    if (cached !== undefined) return cached;
    return this.insertKey(text, rollupKeyOf(f));
  }

  private keyIdOfText(text: string): number {
    return this.keyIds.get(text) ?? this.insertKey(text, rollupKeyFromText(text));
  }

  private insertKey(text: string, k: RollupKey): number {
    this.stmts.keyInsert.run(
      k.verdict,
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
    );
    const id = this.stmts.keySelect.get(text) as number;
    this.keyIds.set(text, id);
    return id;
  }

  private writeInTx(batches: readonly StoreBatch[]): BatchResult[] {
    // Retention may prune unused keys (and bump the epoch), in this or another process.
    const epoch = this.stmts.epoch.get() as string;
    if (epoch !== this.keyEpoch) {
      this.keyIds.clear();
      this.keyEpoch = epoch;
    }
    // Rollups of the whole group are summed first: consecutive batches share most cells.
    const m1: Tier = new Map();
    const h1: Tier = new Map();
    const health = new Map<string, HealthAcc>();
    const versions = new VersionSightings();
    const inGroup = new Set<string>();
    const results: BatchResult[] = [];
    for (const batch of batches) {
      const n = flowCountOf(batch);
      if (inGroup.has(batch.id) || this.stmts.seen.get(batch.id) !== undefined) {
        results.push({ batchId: batch.id, duplicate: true, flows: n, rawEvents: 0 });
        continue;
      }
      inGroup.add(batch.id);
      if (isPgPrepared(batch)) {
        throw new Error(`batch ${batch.id} was prepared for PostgreSQL, not for this SQLite store`);
      }
      const raw = isPrepared(batch)
        ? this.writePrepared(batch, m1, h1, versions)
        : this.writeFlows(batch.flows, m1, h1, versions);
      const lost = batch.lostEvents ?? 0;
      this.stmts.batch.run(batch.id, batch.receivedAt, n, batch.source, lost);
      addHealth(health, batch, n, raw.lastData);
      results.push({ batchId: batch.id, duplicate: false, flows: n, rawEvents: raw.rows });
    }
    for (const [tier, stmt] of [
      [m1, this.stmts.up1m],
      [h1, this.stmts.up1h],
    ] as const) {
      for (const [bucket, byKey] of tier) {
        for (const a of byKey.values()) {
          stmt.run(bucket, a.key, a.flows, a.packets, a.bytes, a.first, a.last);
        }
      }
    }
    // Hourly cells of a day the daily tier has summed already go into its row too.
    const through = (this.stmts.through.get() as number | undefined) ?? 0;
    for (const [day, byKey] of lateDailyCells(h1, through)) {
      for (const a of byKey.values()) {
        this.stmts.up1d.run(day, a.key, a.flows, a.packets, a.bytes, a.first, a.last);
      }
    }
    for (const [source, h] of health) {
      this.stmts.health.run(source, h.lastData, h.lastBatch, h.flows, h.lost);
    }
    for (const v of versions.list()) {
      this.stmts.version.run(v.cluster, v.workload, v.version, v.firstSeen, v.lastSeen);
    }
    return results;
  }

  /** A prepared batch: its raw rows as they are, its cells added to the group's by key id. */
  private writePrepared(
    b: PreparedBatch,
    m1: Tier,
    h1: Tier,
    versions: VersionSightings,
  ): { rows: number; lastData: number | null } {
    for (const row of b.raw) this.stmts.raw.run(row);
    const ids = b.keyTexts.map((text) => this.keyIdOfText(text));
    const idOf = (k: number): number => ids[k] as number;
    addFlatCells(m1, b.m1, idOf);
    addFlatCells(h1, b.h1, idOf);
    for (const v of b.versions) versions.addSighting(v);
    return { rows: b.raw.length, lastData: b.lastData };
  }

  /** Raw events of one batch, and its flows summed into the group's rollup cells. */
  private writeFlows(
    flows: readonly Flow[],
    m1: Tier,
    h1: Tier,
    versions: VersionSightings,
  ): { rows: number; lastData: number | null } {
    let rows = 0;
    let lastData: number | null = null;
    for (const f of flows) {
      const w = rawEventWeight(f, this.sampleRate);
      if (w > 0) {
        this.stmts.raw.run(rawParams(f, w));
        rows++;
      }
      const id = this.keyId(f);
      accumulate(m1, bucketStart(f.time, MINUTE_MS), id, f);
      accumulate(h1, bucketStart(f.time, HOUR_MS), id, f);
      versions.add(f);
      if (lastData === null || f.time > lastData) lastData = f.time;
    }
    return { rows, lastData };
  }
}

interface HealthAcc {
  lastData: number | null;
  lastBatch: number;
  flows: number;
  lost: number;
}

function addHealth(
  into: Map<string, HealthAcc>,
  b: StoreBatch,
  flows: number,
  lastData: number | null,
): void {
  const h = into.get(b.source);
  const lost = b.lostEvents ?? 0;
  if (!h) {
    into.set(b.source, { lastData, lastBatch: b.receivedAt, flows, lost });
    return;
  }
  if (lastData !== null && (h.lastData === null || lastData > h.lastData)) h.lastData = lastData;
  if (b.receivedAt > h.lastBatch) h.lastBatch = b.receivedAt;
  h.flows += flows;
  h.lost += lost;
}

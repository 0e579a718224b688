/**
 * SQLite reviews, review items and suppressions (migration 5). Shares the flow store's connection.
 * @example const reviews = openSqliteReviewStore(openSqliteStore({ path }).db);
 */
import type Database from 'better-sqlite3';

import { scopeKey } from '../../domain/review/scope.js';
import {
  DISPOSITIONS,
  type RecordedItem,
  type Review,
  type Suppression,
} from '../../domain/review/types.js';
import type {
  ReviewListFilter,
  ReviewStore,
  ReviewSummary,
  SignOffInput,
  SuppressionFilter,
} from '../review-store.js';
import {
  itemFromRow,
  itemParams,
  type ItemRow,
  reviewFromRow,
  type ReviewRow,
  suppressionFromRow,
  suppressionParams,
  type SuppressionRow,
} from './review-store-sqlite-rows.js';

const clampLimit = (n: number | undefined, def: number, max: number): number =>
  Math.max(1, Math.min(max, Math.floor(n ?? def)));

export class SqliteReviewStore implements ReviewStore {
  constructor(private readonly db: Database.Database) {}

  async createReview(r: Review): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO reviews (id, cluster, scope_key, scope, status, period_start, started_at,
           started_by, signed_off_at, signed_off_by, note, items_left, snapshot)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.id,
        r.cluster,
        scopeKey(r.scope),
        r.scope === null ? null : JSON.stringify(r.scope),
        r.status,
        r.periodStart,
        r.startedAt,
        r.startedBy,
        r.signedOffAt,
        r.signedOffBy,
        r.note,
        JSON.stringify(r.itemsLeft),
        r.snapshot === null ? null : JSON.stringify(r.snapshot),
      );
  }

  async getReview(id: string): Promise<Review | null> {
    const row = this.db.prepare('SELECT * FROM reviews WHERE id = ?').get(id) as
      ReviewRow | undefined;
    return row ? reviewFromRow(row) : null;
  }

  async openReview(cluster: string, scope: string): Promise<Review | null> {
    const row = this.db
      .prepare(`SELECT * FROM reviews WHERE cluster = ? AND scope_key = ? AND status = 'open'`)
      .get(cluster, scope) as ReviewRow | undefined;
    return row ? reviewFromRow(row) : null;
  }

  async lastSignedOff(cluster: string, scope: string): Promise<Review | null> {
    const row = this.db
      .prepare(
        `SELECT * FROM reviews WHERE cluster = ? AND scope_key = ? AND status = 'signed-off'
         ORDER BY signed_off_at DESC, id DESC LIMIT 1`,
      )
      .get(cluster, scope) as ReviewRow | undefined;
    return row ? reviewFromRow(row) : null;
  }

  private readonly upsertItem = (reviewId: string, rec: RecordedItem): void => {
    this.db
      .prepare(
        `INSERT INTO review_items (review_id, key, kind, item, disposition, reason, actor, at,
           incident_id, suppression_id, covered_by)
         VALUES (@review_id, @key, @kind, @item, @disposition, @reason, @actor, @at, @incident_id,
           @suppression_id, @covered_by)
         ON CONFLICT (review_id, key) DO UPDATE SET kind = excluded.kind, item = excluded.item,
           disposition = excluded.disposition, reason = excluded.reason, actor = excluded.actor,
           at = excluded.at, incident_id = excluded.incident_id,
           suppression_id = excluded.suppression_id, covered_by = excluded.covered_by`,
      )
      .run(itemParams(reviewId, rec));
  };

  async saveItem(reviewId: string, rec: RecordedItem): Promise<void> {
    this.upsertItem(reviewId, rec);
  }

  async listItems(reviewId: string): Promise<RecordedItem[]> {
    const rows = this.db
      .prepare('SELECT * FROM review_items WHERE review_id = ? ORDER BY key')
      .all(reviewId) as ItemRow[];
    return rows.map(itemFromRow);
  }

  async itemsByKey(key: string): Promise<{ reviewId: string; item: RecordedItem }[]> {
    const rows = this.db
      .prepare(
        `SELECT i.*, i.review_id AS rid FROM review_items i JOIN reviews r ON r.id = i.review_id
         WHERE i.key = ? ORDER BY r.started_at DESC, r.id DESC LIMIT 100`,
      )
      .all(key) as (ItemRow & { rid: string })[];
    return rows.map((r) => ({ reviewId: r.rid, item: itemFromRow(r) }));
  }

  async signOff(reviewId: string, input: SignOffInput): Promise<Review | null> {
    return this.db.transaction((): Review | null => {
      const res = this.db
        .prepare(
          `UPDATE reviews SET status = 'signed-off', signed_off_at = ?, signed_off_by = ?, note = ?,
             items_left = ?, snapshot = ? WHERE id = ? AND status = 'open'`,
        )
        .run(
          input.at,
          input.by,
          input.note,
          JSON.stringify(input.itemsLeft),
          input.snapshot === null ? null : JSON.stringify(input.snapshot),
          reviewId,
        );
      if (res.changes === 0) return null;
      for (const rec of input.items) this.upsertItem(reviewId, rec);
      const row = this.db.prepare('SELECT * FROM reviews WHERE id = ?').get(reviewId) as ReviewRow;
      return reviewFromRow(row);
    })();
  }

  async listReviews(filter: ReviewListFilter = {}): Promise<ReviewSummary[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const time = 'COALESCE(r.signed_off_at, r.started_at)';
    if (filter.cluster?.length) {
      where.push(`r.cluster IN (${filter.cluster.map(() => '?').join(',')})`);
      params.push(...filter.cluster);
    }
    const add = (clause: string, value: unknown): void => {
      where.push(clause);
      params.push(value);
    };
    if (filter.status) add('r.status = ?', filter.status);
    if (filter.from !== undefined) add(`${time} >= ?`, filter.from);
    if (filter.to !== undefined) add(`${time} < ?`, filter.to);
    const rows = this.db
      .prepare(
        `SELECT r.* FROM reviews r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY ${time} DESC, r.id DESC LIMIT ?`,
      )
      .all(...params, clampLimit(filter.limit, 100, 1000)) as ReviewRow[];
    const countStmt = this.db.prepare(
      `SELECT disposition, COUNT(*) AS n FROM review_items WHERE review_id = ? GROUP BY disposition`,
    );
    return rows.map((row) => {
      const counts = Object.fromEntries(
        [...DISPOSITIONS, 'none'].map((d) => [d, 0]),
      ) as ReviewSummary['counts'];
      let itemCount = 0;
      for (const c of countStmt.all(row.id) as { disposition: string | null; n: number }[]) {
        const k = (c.disposition ?? 'none') as keyof ReviewSummary['counts'];
        if (k in counts) counts[k] += c.n;
        itemCount += c.n;
      }
      return { ...reviewFromRow(row), itemCount, counts };
    });
  }

  async createSuppression(s: Suppression): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO suppressions (id, cluster, finding_type, key, namespace, workload, reason, owner,
           created_by, created_at, expires_at, revoked_at, revoked_by, review_id, item_key)
         VALUES (@id, @cluster, @finding_type, @key, @namespace, @workload, @reason, @owner,
           @created_by, @created_at, @expires_at, @revoked_at, @revoked_by, @review_id, @item_key)`,
      )
      .run(suppressionParams(s));
  }

  async getSuppression(id: string): Promise<Suppression | null> {
    const row = this.db.prepare('SELECT * FROM suppressions WHERE id = ?').get(id) as
      SuppressionRow | undefined;
    return row ? suppressionFromRow(row) : null;
  }

  async listSuppressions(filter: SuppressionFilter = {}): Promise<Suppression[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.cluster?.length) {
      where.push(`cluster IN (${filter.cluster.map(() => '?').join(',')})`);
      params.push(...filter.cluster);
    }
    if (filter.activeAt !== undefined) {
      where.push('revoked_at IS NULL AND created_at <= ? AND expires_at > ?');
      params.push(filter.activeAt, filter.activeAt);
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM suppressions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(...params, clampLimit(filter.limit, 500, 5000)) as SuppressionRow[];
    return rows.map(suppressionFromRow);
  }

  async revokeSuppression(id: string, at: number, by: string): Promise<Suppression | null> {
    const res = this.db
      .prepare(
        'UPDATE suppressions SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL',
      )
      .run(at, by, id);
    return res.changes === 0 ? null : this.getSuppression(id);
  }

  async deleteSignedOffBefore(before: number): Promise<number> {
    return this.db
      .prepare(`DELETE FROM reviews WHERE status = 'signed-off' AND signed_off_at < ?`)
      .run(before).changes;
  }
}

export function openSqliteReviewStore(db: Database.Database): ReviewStore {
  return new SqliteReviewStore(db);
}

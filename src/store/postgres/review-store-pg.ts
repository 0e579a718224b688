/**
 * PostgreSQL reviews, review items and suppressions (migration 5), on the flow store's pool.
 * Row mapping is shared with the SQLite store (same columns). A sign-off is one transaction
 * whose `UPDATE … WHERE status = 'open'` lets exactly one of two concurrent sign-offs (on any
 * replica) win.
 * @example const reviews = new PgReviewStore(store.pool);
 */
import type pg from 'pg';

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
} from '../sqlite/review-store-sqlite-rows.js';
import { pgText } from './text.js';
import { inTransaction, placeholders, textList, valuesOf } from './tx.js';

const clampLimit = (n: number | undefined, def: number, max: number): number =>
  Math.max(1, Math.min(max, Math.floor(n ?? def)));

const ITEM_COLS = [
  'review_id',
  'key',
  'kind',
  'item',
  'disposition',
  'reason',
  'actor',
  'at',
  'incident_id',
  'suppression_id',
  'covered_by',
];
const UPSERT_ITEM = `INSERT INTO review_items (${ITEM_COLS.join(', ')})
  VALUES (${placeholders(ITEM_COLS.length)})
  ON CONFLICT (review_id, key) DO UPDATE SET kind = excluded.kind, item = excluded.item,
    disposition = excluded.disposition, reason = excluded.reason, actor = excluded.actor,
    at = excluded.at, incident_id = excluded.incident_id,
    suppression_id = excluded.suppression_id, covered_by = excluded.covered_by`;

const SUPPRESSION_COLS = [
  'id',
  'cluster',
  'finding_type',
  'key',
  'namespace',
  'workload',
  'reason',
  'owner',
  'created_by',
  'created_at',
  'expires_at',
  'revoked_at',
  'revoked_by',
  'review_id',
  'item_key',
];

type Db = pg.Pool | pg.PoolClient;

export class PgReviewStore implements ReviewStore {
  constructor(private readonly pool: pg.Pool) {}

  private async one<T extends pg.QueryResultRow>(
    sql: string,
    values: unknown[],
    db: Db = this.pool,
  ): Promise<T | null> {
    return (await db.query<T>(sql, values)).rows[0] ?? null;
  }

  async createReview(r: Review): Promise<void> {
    await this.pool.query(
      `INSERT INTO reviews (id, cluster, scope_key, scope, status, period_start, started_at,
         started_by, signed_off_at, signed_off_by, note, items_left, snapshot)
       VALUES (${placeholders(13)})`,
      [
        pgText(r.id),
        pgText(r.cluster),
        pgText(scopeKey(r.scope)),
        r.scope === null ? null : JSON.stringify(r.scope),
        r.status,
        r.periodStart,
        r.startedAt,
        pgText(r.startedBy),
        r.signedOffAt,
        pgText(r.signedOffBy),
        pgText(r.note),
        JSON.stringify(r.itemsLeft),
        r.snapshot === null ? null : JSON.stringify(r.snapshot),
      ],
    );
  }

  async getReview(id: string): Promise<Review | null> {
    const row = await this.one<ReviewRow>('SELECT * FROM reviews WHERE id = $1', [pgText(id)]);
    return row ? reviewFromRow(row) : null;
  }

  async openReview(cluster: string, scope: string): Promise<Review | null> {
    const row = await this.one<ReviewRow>(
      `SELECT * FROM reviews WHERE cluster = $1 AND scope_key = $2 AND status = 'open'`,
      [pgText(cluster), pgText(scope)],
    );
    return row ? reviewFromRow(row) : null;
  }

  async lastSignedOff(cluster: string, scope: string): Promise<Review | null> {
    const row = await this.one<ReviewRow>(
      `SELECT * FROM reviews WHERE cluster = $1 AND scope_key = $2 AND status = 'signed-off'
       ORDER BY signed_off_at DESC, id DESC LIMIT 1`,
      [pgText(cluster), pgText(scope)],
    );
    return row ? reviewFromRow(row) : null;
  }

  async saveItem(reviewId: string, rec: RecordedItem): Promise<void> {
    await this.pool.query(UPSERT_ITEM, valuesOf(itemParams(reviewId, rec), ITEM_COLS));
  }

  async listItems(reviewId: string): Promise<RecordedItem[]> {
    const res = await this.pool.query<ItemRow>(
      'SELECT * FROM review_items WHERE review_id = $1 ORDER BY key',
      [pgText(reviewId)],
    );
    return res.rows.map(itemFromRow);
  }

  async itemsByKey(key: string): Promise<{ reviewId: string; item: RecordedItem }[]> {
    const res = await this.pool.query<ItemRow & { rid: string }>(
      `SELECT i.*, i.review_id AS rid FROM review_items i JOIN reviews r ON r.id = i.review_id
       WHERE i.key = $1 ORDER BY r.started_at DESC, r.id DESC LIMIT 100`,
      [pgText(key)],
    );
    return res.rows.map((r) => ({ reviewId: r.rid, item: itemFromRow(r) }));
  }

  async signOff(reviewId: string, input: SignOffInput): Promise<Review | null> {
    return inTransaction(this.pool, async (c) => {
      const res = await c.query(
        `UPDATE reviews SET status = 'signed-off', signed_off_at = $1, signed_off_by = $2,
           note = $3, items_left = $4, snapshot = $5 WHERE id = $6 AND status = 'open'`,
        [
          input.at,
          pgText(input.by),
          pgText(input.note),
          JSON.stringify(input.itemsLeft),
          input.snapshot === null ? null : JSON.stringify(input.snapshot),
          pgText(reviewId),
        ],
      );
      if (res.rowCount === 0) return null;
      for (const rec of input.items)
        await c.query(UPSERT_ITEM, valuesOf(itemParams(reviewId, rec), ITEM_COLS));
      const row = await this.one<ReviewRow>(
        'SELECT * FROM reviews WHERE id = $1',
        [pgText(reviewId)],
        c,
      );
      return row ? reviewFromRow(row) : null;
    });
  }

  async listReviews(filter: ReviewListFilter = {}): Promise<ReviewSummary[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (op: string, v: unknown): void => {
      values.push(v);
      where.push(`${op} $${values.length}`);
    };
    const time = 'COALESCE(r.signed_off_at, r.started_at)';
    if (filter.cluster?.length) {
      values.push(textList(filter.cluster));
      where.push(`r.cluster = ANY($${values.length}::text[])`);
    }
    if (filter.status) add('r.status =', filter.status);
    if (filter.from !== undefined) add(`${time} >=`, filter.from);
    if (filter.to !== undefined) add(`${time} <`, filter.to);
    values.push(clampLimit(filter.limit, 100, 1000));
    const rows = (
      await this.pool.query<ReviewRow>(
        `SELECT r.* FROM reviews r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY ${time} DESC, r.id DESC LIMIT $${values.length}`,
        values,
      )
    ).rows;
    const ids = rows.map((r) => r.id);
    const counts = ids.length
      ? (
          await this.pool.query<{ review_id: string; disposition: string | null; n: number }>(
            `SELECT review_id, disposition, count(*) AS n FROM review_items
             WHERE review_id = ANY($1::text[]) GROUP BY review_id, disposition`,
            [ids],
          )
        ).rows
      : [];
    return rows.map((row) => {
      const c = Object.fromEntries(
        [...DISPOSITIONS, 'none'].map((d) => [d, 0]),
      ) as ReviewSummary['counts'];
      let itemCount = 0;
      for (const x of counts) {
        if (x.review_id !== row.id) continue;
        const k = (x.disposition ?? 'none') as keyof ReviewSummary['counts'];
        if (k in c) c[k] += x.n;
        itemCount += x.n;
      }
      return { ...reviewFromRow(row), itemCount, counts: c };
    });
  }

  async createSuppression(s: Suppression): Promise<void> {
    await this.pool.query(
      `INSERT INTO suppressions (${SUPPRESSION_COLS.join(', ')})
       VALUES (${placeholders(SUPPRESSION_COLS.length)})`,
      valuesOf(suppressionParams(s), SUPPRESSION_COLS),
    );
  }

  async getSuppression(id: string): Promise<Suppression | null> {
    const row = await this.one<SuppressionRow>('SELECT * FROM suppressions WHERE id = $1', [
      pgText(id),
    ]);
    return row ? suppressionFromRow(row) : null;
  }

  async listSuppressions(filter: SuppressionFilter = {}): Promise<Suppression[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.cluster?.length) {
      values.push(textList(filter.cluster));
      where.push(`cluster = ANY($${values.length}::text[])`);
    }
    if (filter.activeAt !== undefined) {
      values.push(filter.activeAt);
      where.push(
        `revoked_at IS NULL AND created_at <= $${values.length} AND expires_at > $${values.length}`,
      );
    }
    values.push(clampLimit(filter.limit, 500, 5000));
    const res = await this.pool.query<SuppressionRow>(
      `SELECT * FROM suppressions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
      values,
    );
    return res.rows.map(suppressionFromRow);
  }

  async revokeSuppression(id: string, at: number, by: string): Promise<Suppression | null> {
    const row = await this.one<SuppressionRow>(
      `UPDATE suppressions SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL
       RETURNING *`,
      [at, pgText(by), pgText(id)],
    );
    return row ? suppressionFromRow(row) : null;
  }

  async deleteSignedOffBefore(before: number): Promise<number> {
    const res = await this.pool.query(
      `DELETE FROM reviews WHERE status = 'signed-off' AND signed_off_at < $1`,
      [before],
    );
    return res.rowCount ?? 0;
  }
}

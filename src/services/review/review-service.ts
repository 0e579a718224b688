/**
 * The daily review use cases: the current review of a cluster (items computed live, with the
 * dispositions recorded so far), dispositions, sign-off, history and suppressions. Every
 * write goes to the audit log. One service per governance context (`reviewServiceFor`).
 * @example
 * const reviews = reviewServiceFor(ctx);
 * const current = await reviews.current('prod');
 * await reviews.dispose('prod', current.items[0].key, { disposition: 'false-positive', reason: 'test' }, actor);
 */
import { randomUUID } from 'node:crypto';

import type { ReviewStatus } from '../../domain/detect/alert-eval.js';
import { type ReviewDue, reviewDue } from '../../domain/review/overdue.js';
import { scopeKey } from '../../domain/review/scope.js';
import { coveringSuppression, expiryProblem, matcherFor } from '../../domain/review/suppression.js';
import type {
  Disposition,
  ItemDisposition,
  RecordedItem,
  Review,
  ReviewItem,
  Suppression,
} from '../../domain/review/types.js';
import type { ReviewListFilter, ReviewStore, ReviewSummary } from '../../store/review-store.js';
import { announceReviewSignedOff, type GovernanceContext } from '../governance-context.js';
import { knownClusters } from './review-clusters.js';
import type { ResolvedReviewConfig } from './review-config.js';
import { ReviewError } from './review-errors.js';
import { computeReviewItems } from './review-items.js';

export interface ReviewActor {
  name: string;
  ip: string | null;
}

/** Namespaces a developer may see; undefined = all. */
export interface ReviewScope {
  namespaces?: readonly string[] | undefined;
}

export interface CurrentItem extends ReviewItem {
  disposition: ItemDisposition | null;
  /** An active suppression covering the item: it still shows, marked, until it expires. */
  suppression: Suppression | null;
}

export interface CurrentReview {
  cluster: string;
  scope: string[] | null;
  /** The open review row once someone started it (first disposition), else null. */
  reviewId: string | null;
  periodStart: number;
  now: number;
  due: ReviewDue;
  lastSignedOff: Review | null;
  items: CurrentItem[];
  notes: string[];
}

export interface DispositionInput {
  disposition: Disposition;
  reason?: string | undefined;
  owner?: string | undefined;
  expiresAt?: number | undefined;
  incidentId?: string | undefined;
}

export interface SignOffRequest {
  note: string;
  /** Sign off although some items have no disposition; they are recorded as left. */
  acknowledgeOpen?: boolean | undefined;
}

function visible(item: ReviewItem, scope: ReviewScope | undefined): boolean {
  const allowed = scope?.namespaces;
  if (!allowed) return true;
  return [item.namespace, item.peerNamespace].some((ns) => ns !== null && allowed.includes(ns));
}

export class ReviewService {
  constructor(
    private readonly ctx: GovernanceContext,
    readonly store: ReviewStore,
    readonly config: ResolvedReviewConfig,
  ) {}

  private get key(): string {
    return scopeKey(this.config.namespaces);
  }

  async clusters(): Promise<string[]> {
    return this.config.clusters ?? knownClusters(this.ctx);
  }

  private async periodOf(
    cluster: string,
    now: number,
  ): Promise<{ open: Review | null; last: Review | null; start: number }> {
    const [open, last] = await Promise.all([
      this.store.openReview(cluster, this.key),
      this.store.lastSignedOff(cluster, this.key),
    ]);
    const start = open?.periodStart ?? last?.signedOffAt ?? now - this.config.cadenceMs;
    return { open, last, start };
  }

  /** The open review of a cluster, computed live; `scope` limits what a developer sees. */
  async current(cluster: string, scope?: ReviewScope): Promise<CurrentReview> {
    const now = this.ctx.now();
    const { open, last, start } = await this.periodOf(cluster, now);
    const computed = await computeReviewItems(
      this.ctx,
      cluster,
      this.config.namespaces,
      start,
      now,
      last?.snapshot ?? null,
      this.config.gapMinutes,
    );
    const recorded = open ? await this.store.listItems(open.id) : [];
    const byKey = new Map(recorded.map((r) => [r.item.key, r]));
    const suppressions = await this.store.listSuppressions({ cluster: [cluster], activeAt: now });
    const items = computed.items.map((i) => ({
      ...i,
      disposition: byKey.get(i.key)?.disposition ?? null,
      suppression: coveringSuppression(suppressions, i, now),
    }));
    // Decided items that no longer compute (a finding aged out) stay visible in the review.
    const live = new Set(items.map((i) => i.key));
    for (const r of recorded)
      if (!live.has(r.item.key) && r.disposition)
        items.push({ ...r.item, disposition: r.disposition, suppression: null });
    return {
      cluster,
      scope: this.config.namespaces,
      reviewId: open?.id ?? null,
      periodStart: start,
      now,
      due: reviewDue(last?.signedOffAt ?? null, now, this.config.cadenceMs, this.config.graceMs),
      lastSignedOff: last,
      items: items.filter((i) => visible(i, scope)),
      notes: computed.notes,
    };
  }

  private async ensureOpen(cluster: string, start: number, actor: ReviewActor): Promise<Review> {
    const existing = await this.store.openReview(cluster, this.key);
    if (existing) return existing;
    const review: Review = {
      id: randomUUID(),
      cluster,
      scope: this.config.namespaces,
      status: 'open',
      periodStart: start,
      startedAt: this.ctx.now(),
      startedBy: actor.name,
      signedOffAt: null,
      signedOffBy: null,
      note: null,
      itemsLeft: [],
      snapshot: null,
    };
    try {
      await this.store.createReview(review);
    } catch (err) {
      // Someone else started it a moment ago (one open review per cluster and scope).
      const raced = await this.store.openReview(cluster, this.key);
      if (raced) return raced;
      throw err;
    }
    await this.ctx.audit.record({
      actor: actor.name,
      action: 'review.start',
      target: review.id,
      outcome: 'ok',
      ip: actor.ip,
      details: { cluster, periodStart: start },
    });
    return review;
  }

  async dispose(
    cluster: string,
    key: string,
    input: DispositionInput,
    actor: ReviewActor,
  ): Promise<CurrentItem> {
    const current = await this.current(cluster);
    const item = current.items.find((i) => i.key === key);
    if (!item) throw new ReviewError(404, `no item ${key} in the current review of ${cluster}`);
    const reason = input.reason?.trim() ?? '';
    const now = this.ctx.now();
    if ((input.disposition === 'expected' || input.disposition === 'false-positive') && !reason)
      throw new ReviewError(400, `a reason is required for ${input.disposition}`);
    let suppression: Suppression | null = null;
    if (input.disposition === 'expected') {
      const owner = input.owner?.trim() ?? '';
      if (!owner) throw new ReviewError(400, 'an owner is required for expected');
      if (input.expiresAt === undefined)
        throw new ReviewError(400, 'an expiry is required: there are no forever-suppressions');
      const problem = expiryProblem(input.expiresAt, now, this.config.suppressionMaxDays);
      if (problem) throw new ReviewError(400, problem);
    }
    const review = await this.ensureOpen(cluster, current.periodStart, actor);
    const prior = item.disposition;
    if (prior?.suppressionId && prior.disposition === 'expected')
      await this.revoke(prior.suppressionId, actor);
    if (input.disposition === 'expected') {
      suppression = {
        ...matcherFor(item),
        id: randomUUID(),
        reason,
        owner: input.owner!.trim(),
        createdBy: actor.name,
        createdAt: now,
        expiresAt: input.expiresAt!,
        revokedAt: null,
        revokedBy: null,
        reviewId: review.id,
        itemKey: item.key,
      };
      await this.store.createSuppression(suppression);
      await this.ctx.audit.record({
        actor: actor.name,
        action: 'suppression.create',
        target: suppression.id,
        outcome: 'ok',
        ip: actor.ip,
        details: {
          cluster,
          itemKey: key,
          expiresAt: suppression.expiresAt,
          owner: suppression.owner,
        },
      });
    }
    const disposition: ItemDisposition = {
      key,
      disposition: input.disposition,
      reason,
      actor: actor.name,
      at: now,
      incidentId:
        input.incidentId ?? (prior?.disposition === input.disposition ? prior.incidentId : null),
      suppressionId: suppression?.id ?? null,
    };
    const { disposition: _d, suppression: covering, ...plain } = item;
    await this.store.saveItem(review.id, {
      item: plain,
      disposition,
      suppressionId: covering?.id ?? null,
    });
    await this.ctx.audit.record({
      actor: actor.name,
      action: 'review.disposition',
      target: review.id,
      outcome: 'ok',
      ip: actor.ip,
      details: {
        cluster,
        itemKey: key,
        disposition: input.disposition,
        incidentId: disposition.incidentId,
        suppressionId: disposition.suppressionId,
      },
    });
    return { ...item, disposition, suppression: suppression ?? covering };
  }

  async signOff(cluster: string, req: SignOffRequest, actor: ReviewActor): Promise<Review> {
    const note = req.note.trim();
    if (!note) throw new ReviewError(400, 'a sign-off note is required');
    const now = this.ctx.now();
    const { last, start } = await this.periodOf(cluster, now);
    const current = await this.current(cluster);
    const left = current.items.filter((i) => !i.disposition && !i.suppression).map((i) => i.key);
    if (left.length > 0 && !req.acknowledgeOpen)
      throw new ReviewError(409, `${left.length} items have no disposition`, { itemsLeft: left });
    const computed = await computeReviewItems(
      this.ctx,
      cluster,
      this.config.namespaces,
      start,
      now,
      last?.snapshot ?? null,
      this.config.gapMinutes,
    );
    const review = await this.ensureOpen(cluster, start, actor);
    const items: RecordedItem[] = current.items.map(({ disposition, suppression, ...item }) => ({
      item,
      disposition,
      suppressionId: suppression?.id ?? null,
    }));
    const signed = await this.store.signOff(review.id, {
      at: now,
      by: actor.name,
      note,
      itemsLeft: left,
      snapshot: computed.snapshot,
      items,
    });
    if (!signed)
      throw new ReviewError(409, 'the review was signed off by someone else a moment ago');
    await this.ctx.audit.record({
      actor: actor.name,
      action: 'review.signoff',
      target: signed.id,
      outcome: 'ok',
      ip: actor.ip,
      details: { cluster, items: items.length, itemsLeft: left.length, periodStart: start },
    });
    announceReviewSignedOff(this.ctx, cluster, now);
    return signed;
  }

  history(filter: ReviewListFilter = {}): Promise<ReviewSummary[]> {
    return this.store.listReviews(filter);
  }

  /** A review with its items; developers see only items in their namespaces. */
  async get(
    id: string,
    scope?: ReviewScope,
  ): Promise<{ review: Review; items: RecordedItem[] } | null> {
    const review = await this.store.getReview(id);
    if (!review) return null;
    const items = (await this.store.listItems(id)).filter((r) => visible(r.item, scope));
    return { review, items };
  }

  suppressions(cluster?: string[], activeOnly = false): Promise<Suppression[]> {
    return this.store.listSuppressions({
      ...(cluster ? { cluster } : {}),
      ...(activeOnly ? { activeAt: this.ctx.now() } : {}),
    });
  }

  async revoke(id: string, actor: ReviewActor): Promise<Suppression | null> {
    const s = await this.store.revokeSuppression(id, this.ctx.now(), actor.name);
    if (s)
      await this.ctx.audit.record({
        actor: actor.name,
        action: 'suppression.revoke',
        target: id,
        outcome: 'ok',
        ip: actor.ip,
        details: { cluster: s.cluster },
      });
    return s;
  }

  /** Last sign-off per reviewed cluster: the input of the DailyReviewOverdue alert. */
  async statusPerCluster(): Promise<ReviewStatus[]> {
    const clusters = await this.clusters();
    return Promise.all(
      clusters.map(async (cluster) => ({
        cluster,
        lastReviewAt: (await this.store.lastSignedOff(cluster, this.key))?.signedOffAt ?? null,
      })),
    );
  }

  async overduePerCluster(): Promise<{ cluster: string; due: ReviewDue }[]> {
    const now = this.ctx.now();
    return (await this.statusPerCluster()).map((s) => ({
      cluster: s.cluster,
      due: reviewDue(s.lastReviewAt, now, this.config.cadenceMs, this.config.graceMs),
    }));
  }
}

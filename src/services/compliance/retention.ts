/**
 * Retention actually held: the oldest data of each tier against the configured tiers, and the
 * 400-day floor of the hourly rollups that the annual evaluation needs.
 */
import type { EvidenceItem } from '../../api/compliance-schema.js';
import { DAY_MS, HOUR_MS } from '../../domain/time.js';
import type { FlowStore } from '../../store/flow-store.js';
import { type EvidenceInput, isoDay, item } from './evidence-input.js';

/** Hourly rollups must be kept at least this long: a whole year plus a margin. */
export const MIN_HOURLY_RETENTION_MS = 400 * DAY_MS;

export interface TierBounds {
  raw: number | null;
  rollup1m: number | null;
  rollup1h: number | null;
}

/**
 * Oldest raw event, found by bisection over `queryFlows` (newest-first pages: "is there an
 * event before t?"), to the hour; the rollup tiers answer with one ungrouped query each.
 */
export async function oldestPerTier(store: FlowStore, now: number): Promise<TierBounds> {
  const oldestRollup = async (resolution: '1m' | '1h'): Promise<number | null> => {
    const [row] = await store.queryRollups({ resolution, groupBy: [], limit: 1 });
    return row ? row.firstSeen : null;
  };
  const anyBefore = async (t: number): Promise<number | null> =>
    (await store.queryFlows({ to: t }, { limit: 1 })).flows[0]?.time ?? null;
  let raw: number | null = null;
  const newest = await anyBefore(now + DAY_MS);
  if (newest !== null) {
    let lo = 0;
    let hi = newest;
    raw = newest;
    while (hi - lo > HOUR_MS) {
      const mid = Math.floor((lo + hi) / 2);
      const t = await anyBefore(mid);
      if (t === null) lo = mid;
      else {
        hi = t;
        raw = t;
      }
    }
  }
  return { raw, rollup1m: await oldestRollup('1m'), rollup1h: await oldestRollup('1h') };
}

const days = (ms: number): number => Math.round((ms / DAY_MS) * 10) / 10;

/** Configured hourly retention below 400 days: the warning the server prints at startup. */
export function hourlyRetentionWarning(rollup1hMs: number): string | null {
  return rollup1hMs < MIN_HOURLY_RETENTION_MS
    ? `retention.rollup1h is ${days(rollup1hMs)}d, below the 400d the annual evaluation needs: a whole year of hourly rollups will not be held`
    : null;
}

export async function retentionEvidence(input: EvidenceInput): Promise<EvidenceItem> {
  const cfg = input.ctx.config.retention;
  const bounds = await oldestPerTier(input.ctx.store, input.now);
  const age = (t: number | null): number | null => (t === null ? null : days(input.now - t));
  const figures = [
    { label: 'configured raw events (days)', value: days(cfg.raw) },
    { label: 'configured 1-minute rollups (days)', value: days(cfg.rollup1m) },
    { label: 'configured 1-hour rollups (days)', value: days(cfg.rollup1h) },
    { label: 'oldest raw event', value: isoDay(bounds.raw) },
    { label: 'oldest 1-minute bucket', value: isoDay(bounds.rollup1m) },
    { label: 'oldest 1-hour bucket', value: isoDay(bounds.rollup1h) },
    { label: 'hourly rollups reach back (days)', value: age(bounds.rollup1h) },
  ];
  const table = {
    id: 'retention',
    title: 'Retention held per tier',
    columns: ['tier', 'configured (days)', 'oldest held', 'held (days)'],
    rows: [
      ['raw events', days(cfg.raw), isoDay(bounds.raw), age(bounds.raw)],
      ['1-minute rollups', days(cfg.rollup1m), isoDay(bounds.rollup1m), age(bounds.rollup1m)],
      ['1-hour rollups', days(cfg.rollup1h), isoDay(bounds.rollup1h), age(bounds.rollup1h)],
    ],
  };
  const warn = hourlyRetentionWarning(cfg.rollup1h);
  if (warn)
    return item('retention', 'gap', 'hourly retention configured too short', warn, figures, [
      table,
    ]);
  if (bounds.rollup1h === null)
    return item(
      'retention',
      'gap',
      'no hourly rollups held',
      'the store holds no hourly rollups',
      figures,
      [table],
    );
  const held = input.now - bounds.rollup1h;
  if (held < MIN_HOURLY_RETENTION_MS - HOUR_MS)
    return item(
      'retention',
      'partial',
      `hourly rollups reach back ${days(held)} of 400 days`,
      `hourly rollups reach back only to ${isoDay(bounds.rollup1h)} (${days(held)} days); a whole year needs 400 (data began later, or was deleted)`,
      figures,
      [table],
    );
  return item('retention', 'met', `hourly rollups held for ${days(held)} days`, null, figures, [
    table,
  ]);
}

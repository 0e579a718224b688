/**
 * Data completeness: hours of the period with any data, against the hours elapsed, and the
 * events the sources reported lost.
 */
import type { EvidenceItem } from '../../api/compliance-schema.js';
import { statusForRatio } from '../../domain/compliance/status.js';
import { HOUR_MS } from '../../domain/time.js';
import { baseFilter, elapsedEnd, type EvidenceInput, item, pct } from './evidence-input.js';

export interface Completeness {
  hoursWithData: number;
  hoursInPeriod: number;
  ratio: number | null;
  /** Longest run of hours without data, and where it starts. */
  longestGapHours: number;
  longestGapFrom: number | null;
  lostEvents: number;
  sources: { source: string; lastDataAt: number | null; lostEventsTotal: number }[];
}

export async function measureCompleteness(input: EvidenceInput): Promise<Completeness> {
  const end = elapsedEnd(input);
  const first = Math.floor(input.from / HOUR_MS) * HOUR_MS;
  const hoursInPeriod = Math.max(0, Math.ceil((end - first) / HOUR_MS));
  const rows =
    hoursInPeriod === 0
      ? []
      : await input.ctx.store.queryRollups({
          ...baseFilter(input),
          resolution: '1h',
          from: input.from,
          to: end,
          groupBy: ['bucket'],
          limit: 100_000,
        });
  const have = new Set(rows.map((r) => r.bucket));
  let longest = 0;
  let longestFrom: number | null = null;
  let run = 0;
  let runFrom = first;
  for (let h = 0; h < hoursInPeriod; h += 1) {
    const t = first + h * HOUR_MS;
    if (have.has(t)) run = 0;
    else {
      if (run === 0) runFrom = t;
      run += 1;
      if (run > longest) {
        longest = run;
        longestFrom = runFrom;
      }
    }
  }
  const health = await input.ctx.store.sourceHealth();
  const hoursWithData = [...have].filter((b) => b !== undefined && b >= first && b < end).length;
  return {
    hoursWithData,
    hoursInPeriod,
    ratio: hoursInPeriod === 0 ? null : hoursWithData / hoursInPeriod,
    longestGapHours: longest,
    longestGapFrom: longestFrom,
    lostEvents: health.reduce((s, h) => s + h.lostEventsTotal, 0),
    sources: health.map((h) => ({
      source: h.source,
      lastDataAt: h.lastDataAt,
      lostEventsTotal: h.lostEventsTotal,
    })),
  };
}

export async function completenessEvidence(
  input: EvidenceInput,
  target: number,
): Promise<{ item: EvidenceItem; completeness: Completeness }> {
  const c = await measureCompleteness(input);
  let status = statusForRatio(c.ratio, target);
  const reasons: string[] = [];
  if (c.ratio !== null && c.ratio < target)
    reasons.push(
      `${c.hoursInPeriod - c.hoursWithData} of ${c.hoursInPeriod} hours have no data` +
        (c.longestGapFrom !== null
          ? ` (longest hole ${c.longestGapHours} h from ${new Date(c.longestGapFrom).toISOString()})`
          : ''),
    );
  if (c.ratio === null) reasons.push('the period has not started');
  if (c.lostEvents > 0) {
    reasons.push(`sources reported ${c.lostEvents} lost events`);
    if (status === 'met') status = 'partial';
  }
  const figures = [
    { label: 'hours with data', value: c.hoursWithData },
    { label: 'hours in period (elapsed)', value: c.hoursInPeriod },
    { label: 'completeness', value: pct(c.ratio) },
    { label: 'longest hole (hours)', value: c.longestGapHours },
    { label: 'lost events reported by sources (all time)', value: c.lostEvents },
  ];
  const table = {
    id: 'sources',
    title: 'Sources: last data and lost events',
    columns: ['source', 'last data', 'lost events'],
    rows: c.sources.map((s) => [
      s.source,
      s.lastDataAt === null ? null : new Date(s.lastDataAt).toISOString(),
      s.lostEventsTotal,
    ]),
  };
  return {
    completeness: c,
    item: item(
      'completeness',
      status,
      `${c.hoursWithData} of ${c.hoursInPeriod} hours with data (${pct(c.ratio)})`,
      reasons.join('; ') || null,
      figures,
      [table],
    ),
  };
}

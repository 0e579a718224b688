/**
 * Detection quality regression: a small version of `npm run eval:detect`. Three simulated
 * days (one unlabelled warm-up day, then two days holding every demo scenario and the
 * benchmark's variants), through the demo's ingest path, scored against the labels.
 * Minimum history, workload age and same-hour samples are shortened to one day to fit the
 * short run.
 */
import { describe, expect, it } from 'vitest';

import { runEval } from '../src/services/detection-eval.js';

const DAY = 86_400_000;

describe('detection quality (small benchmark)', () => {
  it('finds every scenario with the right type and stays quiet otherwise', async () => {
    const r = await runEval({
      name: 'test',
      seed: 42,
      to: Date.UTC(2026, 10, 26, 18, 0),
      days: 2,
      warmupDays: 1,
      variants: true,
      worker: false,
      options: { allowed: { minHistoryMs: DAY, newConnectionMinAgeMs: DAY, minDailySamples: 1 } },
    });
    const summary = r.perType.map(
      (t) => `${t.type}: ${t.detected}/${t.labels}, ${t.correct}/${t.findings} correct`,
    );
    const missed = r.missed.map((l) => `${l.id}: ${l.description}`);
    expect(missed, summary.join('\n')).toEqual([]);
    for (const t of r.perType)
      if (t.labels > 0) expect(t.recall, t.type).toBeGreaterThanOrEqual(0.95);
    const falses = r.falseFindings.map(
      (f) => `${f.type} ${f.subject.namespace}/${f.subject.workload}: ${f.explanation}`,
    );
    expect(r.falsePerClusterDay, falses.join('\n')).toBeLessThanOrEqual(1);
    // One day of history is thin: an odd extra finding is tolerated here, not in the benchmark.
    for (const t of r.perType)
      if (t.findings > 0) expect(t.precision, t.type).toBeGreaterThanOrEqual(0.6);
    expect(r.knownFound).toBeGreaterThanOrEqual(r.known - 1);
  }, 300_000);
});

import { describe, expect, it } from 'vitest';

import { ReviewConfigLayerSchema } from '../../api/review-config-schema.js';
import { resolveReviewConfig } from './review-config.js';

describe('review configuration', () => {
  it('resolves defaults and parses durations', () => {
    expect(resolveReviewConfig({})).toMatchObject({
      cadenceMs: 86_400_000,
      namespaces: null,
      suppressionMaxDays: 90,
    });
    const layer = ReviewConfigLayerSchema.parse({
      cadence: '12h',
      scope: { namespaces: ['shop', 'api'] },
      gapMinutes: 15,
    });
    expect(resolveReviewConfig({ review: layer })).toMatchObject({
      cadenceMs: 43_200_000,
      namespaces: ['api', 'shop'],
      gapMinutes: 15,
    });
  });

  it('refuses unknown keys, bad durations and forever-suppressions', () => {
    expect(ReviewConfigLayerSchema.safeParse({ cadense: '1d' }).success).toBe(false);
    expect(ReviewConfigLayerSchema.safeParse({ cadence: 'daily' }).success).toBe(false);
    expect(ReviewConfigLayerSchema.safeParse({ suppressionMaxDays: 0 }).success).toBe(false);
    expect(ReviewConfigLayerSchema.safeParse({ scope: { namespaces: ['Bad_NS'] } }).success).toBe(
      false,
    );
  });
});

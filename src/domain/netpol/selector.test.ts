import { describe, expect, it } from 'vitest';

import { compileSelector, formatSelector, matchesSelector } from './selector.js';

const labels = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));

function sel(raw: unknown) {
  const { selector, errors } = compileSelector(raw, 'spec.podSelector');
  expect(errors).toEqual([]);
  return selector!;
}

describe('label selectors', () => {
  it('an empty or absent selector matches everything', () => {
    expect(matchesSelector(sel({}), labels({}))).toBe(true);
    expect(matchesSelector(sel(undefined), labels({ a: 'b' }))).toBe(true);
  });

  it('matchLabels and matchExpressions are ANDed', () => {
    const s = sel({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }],
    });
    expect(matchesSelector(s, labels({ app: 'web', tier: 'a' }))).toBe(true);
    expect(matchesSelector(s, labels({ app: 'web', tier: 'c' }))).toBe(false);
    expect(matchesSelector(s, labels({ tier: 'a' }))).toBe(false);
  });

  it('implements In, NotIn (missing key matches), Exists and DoesNotExist', () => {
    const notIn = sel({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] });
    expect(matchesSelector(notIn, labels({}))).toBe(true);
    expect(matchesSelector(notIn, labels({ env: 'dev' }))).toBe(true);
    expect(matchesSelector(notIn, labels({ env: 'prod' }))).toBe(false);
    const exists = sel({ matchExpressions: [{ key: 'env', operator: 'Exists' }] });
    expect(matchesSelector(exists, labels({ env: '' }))).toBe(true);
    expect(matchesSelector(exists, labels({}))).toBe(false);
    const dne = sel({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist', values: [] }] });
    expect(matchesSelector(dne, labels({}))).toBe(true);
    expect(matchesSelector(dne, labels({ env: 'x' }))).toBe(false);
    const inOp = sel({ matchExpressions: [{ key: 'env', operator: 'In', values: ['a'] }] });
    expect(matchesSelector(inOp, labels({}))).toBe(false);
  });

  it('reports invalid expressions with their paths', () => {
    const bad = compileSelector(
      {
        matchExpressions: [
          { key: 'a', operator: 'Has' },
          { key: 'b', operator: 'In', values: [] },
          { key: 'c', operator: 'Exists', values: ['x'] },
        ],
      },
      'spec.podSelector',
    );
    expect(bad.selector).toBeNull();
    expect(bad.errors.map((e) => e.path)).toEqual([
      'spec.podSelector.matchExpressions[0].operator',
      'spec.podSelector.matchExpressions[1].values',
      'spec.podSelector.matchExpressions[2].values',
    ]);
  });

  it('treats a __proto__ label key as data', () => {
    const s = sel(JSON.parse('{"matchLabels": {"__proto__": "x"}}'));
    expect(matchesSelector(s, labels({}))).toBe(false);
    expect(matchesSelector(s, new Map([['__proto__', 'x']]))).toBe(true);
  });

  it('formats for people', () => {
    expect(
      formatSelector(
        sel({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'x', operator: 'Exists' }] }),
      ),
    ).toBe('app=web,x');
  });
});

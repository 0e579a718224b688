import { describe, expect, it } from 'vitest';

import { jsonDiff, labelSummary, policySummary } from './object-diff.js';

describe('policy-change diff summaries', () => {
  it('lists changed leaf paths, added and removed keys', () => {
    const a = { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] };
    const b = { podSelector: {}, ingress: [{ ports: [{ port: 443 }] }], egress: [] };
    expect(jsonDiff(a, b, 'spec')).toEqual([
      'spec.egress: added []',
      'spec.ingress[0].ports[0].port: 80 → 443',
    ]);
    expect(jsonDiff(a, a)).toEqual([]);
  });

  it('summarises rule counts, policyTypes and selector changes', () => {
    const before = { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] };
    const after = {
      podSelector: { matchLabels: { a: 'b' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{}, {}],
    };
    expect(policySummary('modified', before, after)).toBe(
      'modified: ingress rules 1 → 2; policyTypes + Egress; podSelector changed',
    );
    expect(policySummary('added', null, after)).toBe(
      'added (Ingress+Egress; ingress rules 2, egress rules 0)',
    );
    expect(policySummary('deleted', before, null)).toBe(
      'deleted (had ingress rules 1, egress rules 0)',
    );
  });

  it('summarises namespace label changes', () => {
    expect(labelSummary('modified', { team: 'a', env: 'x' }, { team: 'b', tier: '1' })).toBe(
      'labels ~team: a → b, +tier=1, −env',
    );
  });
});

import { describe, expect, it } from 'vitest';

import { incidentFixture } from './incident-fixture.js';
import { allowedTransitions, isActive, transition } from './transitions.js';

const T = 1_000_000;

describe('incident transitions', () => {
  it('moves forward, skipping steps, and back only to investigating (open from investigating)', () => {
    expect(allowedTransitions('open')).toEqual([
      'investigating',
      'contained',
      'resolved',
      'closed',
    ]);
    expect(allowedTransitions('contained')).toEqual(['investigating', 'resolved', 'closed']);
    expect(allowedTransitions('closed')).toEqual(['investigating']);
    expect(allowedTransitions('investigating')).toContain('open');
  });

  it('sets containedAt once, and resolvedAt and closedAt on the way', () => {
    const open = incidentFixture();
    const c = transition(open, { to: 'contained', at: T });
    expect(c).toEqual({
      ok: true,
      patch: {
        status: 'contained',
        containedAt: T,
        resolvedAt: null,
        closedAt: null,
        outcome: null,
      },
    });
    const closed = transition(open, {
      to: 'closed',
      at: T,
      outcome: 'false-positive',
      resolution: 'test traffic',
    });
    expect(closed.ok && closed.patch).toMatchObject({
      status: 'closed',
      containedAt: T,
      resolvedAt: T,
      closedAt: T,
      outcome: 'false-positive',
      resolution: 'test traffic',
    });
  });

  it('refuses resolving without an outcome, same-status moves, and reopening without a reason', () => {
    const open = incidentFixture();
    expect(transition(open, { to: 'resolved', at: T })).toEqual({
      ok: false,
      error: 'resolved needs an outcome',
    });
    expect(transition(open, { to: 'open', at: T }).ok).toBe(false);
    const closed = incidentFixture({
      status: 'closed',
      containedAt: 1,
      resolvedAt: 2,
      closedAt: 3,
      outcome: 'other',
    });
    expect(transition(closed, { to: 'investigating', at: T }).ok).toBe(false);
    expect(transition(closed, { to: 'contained', at: T }).ok).toBe(false);
    const reopened = transition(closed, { to: 'investigating', at: T, reason: 'it came back' });
    // Reopening clears the end but keeps the containment time: it did take that long.
    expect(reopened.ok && reopened.patch).toEqual({
      status: 'investigating',
      containedAt: 1,
      resolvedAt: null,
      closedAt: null,
      outcome: null,
    });
  });

  it('keeps an outcome given earlier when closing a resolved incident', () => {
    const resolved = incidentFixture({
      status: 'resolved',
      resolvedAt: 5,
      containedAt: 4,
      outcome: 'misconfiguration-fixed',
    });
    const r = transition(resolved, { to: 'closed', at: T });
    expect(r.ok && r.patch).toMatchObject({
      closedAt: T,
      resolvedAt: 5,
      outcome: 'misconfiguration-fixed',
    });
    expect(isActive('contained')).toBe(true);
    expect(isActive('resolved')).toBe(false);
  });
});

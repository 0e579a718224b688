import { describe, expect, it } from 'vitest';

import { emptyEvidence, type FindingDraft, findingKey } from './draft.js';
import { DEFAULT_DETECT_OPTIONS } from './options.js';
import { consolidate, reconcile } from './reconcile.js';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 0, 20, 12);

function draft(over: Partial<FindingDraft> = {}): FindingDraft {
  const subject = {
    cluster: 'c1',
    namespace: 'shop',
    workload: 'web',
    peer: 'shop/api',
    ...over.subject,
  };
  const type = over.type ?? 'misconfiguration';
  return {
    key: findingKey(type, subject, '8080/TCP'),
    type,
    severity: 'low',
    confidence: 0.6,
    start: T,
    end: T + HOUR,
    subject,
    evidence: { ...emptyEvidence('flows'), observed: 10 },
    explanation: 'x',
    samples: [],
    ...over,
  };
}

describe('reconcile', () => {
  it('gives stable ids: the same draft again updates the same finding', () => {
    const [first] = reconcile([draft()], [], T + 2 * HOUR, DEFAULT_DETECT_OPTIONS, 30 * 60_000);
    const [again] = reconcile(
      [draft()],
      first ? [first] : [],
      T + 3 * HOUR,
      DEFAULT_DETECT_OPTIONS,
      30 * 60_000,
    );
    expect(again?.id).toBe(first?.id);
    expect(first?.status).toBe('closed');
  });

  it('extends an open finding while the activity goes on, and keeps the strongest evidence', () => {
    const [f] = reconcile([draft()], [], T + HOUR, DEFAULT_DETECT_OPTIONS, 30 * 60_000);
    const later = draft({
      start: T + HOUR + 60_000,
      end: T + 2 * HOUR,
      evidence: { ...emptyEvidence('flows'), observed: 50 },
      severity: 'medium',
    });
    const [g] = reconcile([later], f ? [f] : [], T + 2 * HOUR, DEFAULT_DETECT_OPTIONS, 30 * 60_000);
    expect(g).toMatchObject({
      id: f?.id,
      start: T,
      end: T + 2 * HOUR,
      severity: 'medium',
      status: 'open',
    });
    expect(g?.evidence.observed).toBe(50);
  });

  it('opens a new finding when an attack resumes after the reopen gap', () => {
    const scan = (start: number) => draft({ type: 'port-scan', start, end: start + HOUR });
    const [a] = reconcile([scan(T)], [], T + 24 * HOUR, DEFAULT_DETECT_OPTIONS, 1);
    const [b] = reconcile(
      [scan(T + 10 * HOUR)],
      a ? [a] : [],
      T + 24 * HOUR,
      DEFAULT_DETECT_OPTIONS,
      1,
    );
    expect(b?.id).not.toBe(a?.id);
  });

  it('folds a workload total and a new connection into the connection-level spike', () => {
    const spike = draft({
      type: 'traffic-spike',
      key: 'traffic-spike|c1|shop|web|shop/api|connection|TCP|8080|goldmane',
    });
    const total = draft({
      type: 'traffic-spike',
      subject: { cluster: 'c1', namespace: 'shop', workload: 'api', peer: null },
      key: 'traffic-spike|c1|shop|api||ingress-total|||goldmane',
    });
    const fresh = draft({ type: 'new-connection', key: 'new-connection|c1|shop|web||' });
    expect(consolidate([spike, total, fresh])).toEqual([spike]);
  });
});

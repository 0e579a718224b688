import { describe, expect, it } from 'vitest';

import { escalationFor, formatElapsed, type LinkedFindingFacts } from './escalation.js';
import { incidentFixture } from './incident-fixture.js';

const T = 10_000_000;
const M = 60_000;
const f = (over: Partial<LinkedFindingFacts>): LinkedFindingFacts => ({
  type: 'exfiltration',
  severity: 'high',
  status: 'open',
  start: T,
  ...over,
});

describe('escalation guidance', () => {
  it('recommends taking the workload offline during an ongoing high exfiltration, with the clock running', () => {
    const g = escalationFor(incidentFixture({ detectedAt: T }), [f({})], T + 20 * M);
    expect(g).toMatchObject({
      action: 'take-offline',
      targetMs: 15 * M,
      elapsedMs: 20 * M,
      overdue: true,
      ongoing: true,
      responded: false,
    });
    expect(g.text).toMatch(/Delay favours the attacker/);
  });

  it('falls back to quarantine once the exfiltration stopped, and stops the clock at containment', () => {
    const g = escalationFor(
      incidentFixture({ detectedAt: T, containedAt: T + 5 * M, status: 'contained' }),
      [f({ status: 'closed' })],
      T + 3 * 60 * M,
    );
    expect(g).toMatchObject({
      action: 'quarantine',
      elapsedMs: 5 * M,
      overdue: false,
      responded: true,
      ongoing: false,
    });
  });

  it('quarantines scans, notifies on misconfiguration, investigates the rest', () => {
    const at = (
      findings: LinkedFindingFacts[],
      kind: 'attack' | 'misconfiguration' | 'other',
      severity = 'medium' as const,
    ) => escalationFor(incidentFixture({ detectedAt: T, kind, severity }), findings, T).action;
    expect(at([f({ type: 'port-scan', severity: 'medium' })], 'attack')).toBe('quarantine');
    expect(at([f({ type: 'port-scan', severity: 'low' })], 'attack')).toBe('investigate');
    expect(at([f({ type: 'misconfiguration', severity: 'low' })], 'other')).toBe('notify');
    expect(at([], 'misconfiguration')).toBe('notify');
    expect(
      escalationFor(incidentFixture({ kind: 'attack', severity: 'critical' }), [], T).action,
    ).toBe('quarantine');
    expect(at([], 'other')).toBe('investigate');
  });

  it('lets configured rules go first', () => {
    const g = escalationFor(incidentFixture({ detectedAt: T }), [f({ type: 'port-scan' })], T, [
      {
        name: 'scan: offline',
        findingTypes: ['port-scan'],
        action: 'take-offline',
        targetMs: M,
        text: 'pull the plug',
      },
    ]);
    expect(g).toMatchObject({
      rule: 'scan: offline',
      action: 'take-offline',
      text: 'pull the plug',
    });
  });

  it('formats elapsed times', () => {
    expect(formatElapsed(45_000)).toBe('45 s');
    expect(formatElapsed(125 * M)).toBe('2 h 5 min');
    expect(formatElapsed(50 * 60 * M)).toBe('2 d 2 h');
  });
});

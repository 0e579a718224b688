import { describe, expect, it } from 'vitest';

import { CONTROLS, EVIDENCE_KINDS, EVIDENCE_TITLES } from './catalogue.js';
import { parsePeriod, PeriodError } from './period.js';
import { combineStatus } from './status.js';

describe('control catalogue', () => {
  it('holds every control the issue names, once each', () => {
    const wanted = [
      'GDPR Art. 32(1)(b)',
      'GDPR Art. 32(1)(d)',
      'HSLF-FS 2016:40 18 §',
      'ISO/IEC 27001:2013 A.13.1.1',
      'ISO/IEC 27001:2013 A.13.1.2',
      'ISO/IEC 27001:2013 A.13.1.3',
      ...['8.15', '8.16', '8.20', '8.22', '5.14', '5.24', '5.25', '5.26', '5.27', '5.28'].map(
        (x) => `ISO/IEC 27001:2022 ${x}`,
      ),
    ];
    const have = CONTROLS.map((c) => `${c.framework} ${c.clause}`);
    expect([...have].sort()).toEqual([...wanted].sort());
    expect(new Set(CONTROLS.map((c) => c.id)).size).toBe(CONTROLS.length);
  });

  it('gives every control evidence, every evidence kind a title, and uses every kind', () => {
    for (const c of CONTROLS) expect(c.evidence.length, c.id).toBeGreaterThan(0);
    for (const k of EVIDENCE_KINDS) expect(EVIDENCE_TITLES[k]).toBeTruthy();
    const used = new Set(CONTROLS.flatMap((c) => c.evidence));
    expect([...used].sort()).toEqual([...EVIDENCE_KINDS].sort());
  });

  it('backs the annual evaluation (HSLF-FS 18 §) with retention and completeness', () => {
    const hslf = CONTROLS.find((c) => c.id === 'hslf-18');
    expect(hslf?.evidence).toEqual(expect.arrayContaining(['retention', 'completeness']));
  });
});

describe('status', () => {
  it('never reads a missing piece of evidence as met', () => {
    expect(combineStatus(['met', 'met'])).toBe('met');
    expect(combineStatus(['met', 'gap'])).toBe('partial');
    expect(combineStatus(['gap', 'gap'])).toBe('gap');
    expect(combineStatus([])).toBe('gap');
  });
});

describe('periods', () => {
  it('parses days, months and years in UTC', () => {
    expect(parsePeriod('daily', '2026-11-25')).toMatchObject({
      from: Date.UTC(2026, 10, 25),
      to: Date.UTC(2026, 10, 26),
    });
    expect(parsePeriod('monthly', '2026-12')).toMatchObject({
      from: Date.UTC(2026, 11, 1),
      to: Date.UTC(2027, 0, 1),
    });
    expect(parsePeriod('annual', '2026')).toMatchObject({
      from: Date.UTC(2026, 0, 1),
      to: Date.UTC(2027, 0, 1),
    });
  });

  it('names the bad value and the form expected', () => {
    expect(() => parsePeriod('monthly', '2026-13')).toThrow(PeriodError);
    expect(() => parsePeriod('monthly', '2026-13')).toThrow(/"2026-13".*YYYY-MM/);
    expect(() => parsePeriod('daily', '2026-02-30')).toThrow(/YYYY-MM-DD/);
    expect(() => parsePeriod('annual', '26')).toThrow(/YYYY \(e\.g\. 2026\)/);
  });
});

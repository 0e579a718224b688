import { describe, expect, it } from 'vitest';

import { type AlertInputs, type AlertState, type DropCount, evaluateAlerts } from './alert-eval.js';
import { BUILTIN_ALERT_RULES, type DropRule, findingAlertName } from './alert-rules.js';
import type { Finding } from './finding.js';

const M = 60_000;
const T = Date.UTC(2026, 0, 5, 9, 0, 0);
const links = { externalUrl: 'https://ui.test', runbookUrl: 'https://docs.test/runbooks.md' };
const frequentTo = BUILTIN_ALERT_RULES.find(
  (r) => r.name === 'FrequentPacketsDroppedToWorkload',
) as DropRule;

function drops(value: number, unit: DropCount['unit'] = 'packets'): DropCount[] {
  return [{ cluster: 'prod', namespace: 'shop', workload: 'api', value, unit }];
}

function inputs(now: number, over: Partial<AlertInputs> = {}): AlertInputs {
  return { now, drops: () => [], findings: [], reviews: null, ...over };
}

/** Runs the rule once a minute; `value(minute)` is the count over the window at that minute. */
function run(minutes: number, value: (m: number) => number): (AlertState | undefined)[] {
  let states = new Map<string, AlertState>();
  const out: (AlertState | undefined)[] = [];
  for (let m = 0; m < minutes; m++) {
    states = evaluateAlerts(
      [frequentTo],
      inputs(T + m * M, { drops: () => drops(value(m)) }),
      states,
      links,
    );
    out.push([...states.values()][0]);
  }
  return out;
}

describe('drop rules', () => {
  it('pends for 5 minutes, then fires with labels, annotations and a link', () => {
    const s = run(7, () => 3);
    expect(s[4]?.firingSince).toBeNull();
    expect(s[5]?.firingSince).toBe(T + 5 * M);
    expect(s[5]?.activeSince).toBe(T);
    expect(s[5]?.labels).toEqual({
      alertname: 'FrequentPacketsDroppedToWorkload',
      severity: 'warning',
      cluster: 'prod',
      namespace: 'shop',
      workload: 'api',
    });
    expect(s[5]?.annotations['description']).toMatch(/^3 packets \(as reported by the source\)/);
    expect(s[5]?.annotations['runbook_url']).toBe(
      'https://docs.test/runbooks.md#frequentpacketsdroppedtoworkload',
    );
    expect(s[5]?.generatorURL).toBe(
      'https://ui.test/denied?cluster=prod&verdict=denied&ns=shop&workload=api',
    );
  });

  it('forgets a pending alert whose condition stops before `for`', () => {
    const s = run(6, (m) => (m < 3 ? 1 : 0));
    expect(s[2]?.firingSince).toBeNull();
    expect(s[3]).toBeUndefined();
  });

  it('does not flap: a firing alert survives gaps shorter than keepFiringFor', () => {
    // Drops for 10 minutes, a 10-minute lull, drops again: one alert, never resolved.
    const s = run(40, (m) => (m < 10 || (m >= 20 && m < 30) ? 1 : 0));
    const firing = s.slice(5, 30);
    expect(firing.every((a) => a?.firingSince === T + 5 * M && a.resolvedAt === null)).toBe(true);
    // Resolves keepFiringFor (15 min) after the condition last held (minute 29).
    expect(s[39]?.resolvedAt).toBeNull();
    const again = run(46, (m) => (m < 10 || (m >= 20 && m < 30) ? 1 : 0));
    expect(again[44]?.resolvedAt).toBe(T + 44 * M);
    expect(again[45]).toBeUndefined();
  });

  it('says flows when the source reports no packets, and respects the threshold', () => {
    const scarce = BUILTIN_ALERT_RULES.find(
      (r) => r.name === 'ScarcePacketsDroppedFromWorkload',
    ) as DropRule;
    const at = (v: number): Map<string, AlertState> =>
      evaluateAlerts([scarce], inputs(T, { drops: () => drops(v, 'flows') }), new Map(), links);
    expect(at(20).size).toBe(0);
    const a = [...at(21).values()][0];
    expect(a?.annotations['description']).toContain(
      '21 flows (the source reports no packet counts)',
    );
    expect(a?.annotations['summary']).toContain('from workload shop/api');
  });
});

function finding(over: Partial<Finding> = {}): Finding {
  return {
    id: 'f1',
    key: 'k1',
    type: 'exfiltration',
    severity: 'high',
    confidence: 0.8,
    start: T - 30 * M,
    end: T,
    status: 'open',
    subject: { cluster: 'prod', namespace: 'shop', workload: 'api', peer: '203.0.113.9' },
    evidence: {
      unit: 'bytes',
      observed: 9e9,
      usual: 1e6,
      spread: 1e5,
      distinctPorts: null,
      distinctHosts: null,
      ratePerMin: null,
      extra: {},
    },
    explanation: 'api sent 9 GB to 203.0.113.9, 9000x its usual level.',
    samples: [],
    updatedAt: T,
    ...over,
  };
}

describe('finding rules', () => {
  const rules = BUILTIN_ALERT_RULES.filter((r) => r.kind === 'finding');

  it('has one rule per finding type and fires at once, linking the finding', () => {
    expect(rules).toHaveLength(10);
    const s = evaluateAlerts(rules, inputs(T, { findings: [finding()] }), new Map(), links);
    const a = [...s.values()][0];
    expect(a?.labels['alertname']).toBe(findingAlertName('exfiltration'));
    expect(a?.labels['severity']).toBe('critical');
    expect(a?.firingSince).toBe(T);
    expect(a?.activeSince).toBe(T - 30 * M);
    expect(a?.generatorURL).toBe('https://ui.test/findings/f1');
    expect(a?.annotations['description']).toBe(finding().explanation);
  });

  it('resolves at the end of the finding once it closes', () => {
    let s = evaluateAlerts(rules, inputs(T, { findings: [finding()] }), new Map(), links);
    const closed = finding({ status: 'closed', end: T + 5 * M });
    s = evaluateAlerts(rules, inputs(T + 40 * M, { findings: [closed] }), s, links);
    expect([...s.values()][0]?.resolvedAt).toBe(T + 5 * M);
    s = evaluateAlerts(rules, inputs(T + 41 * M, { findings: [closed] }), s, links);
    expect(s.size).toBe(0);
  });

  it('raises nothing for a finding that closed before it was ever seen', () => {
    const s = evaluateAlerts(
      rules,
      inputs(T, { findings: [finding({ status: 'closed' })] }),
      new Map(),
      links,
    );
    expect(s.size).toBe(0);
  });
});

describe('DailyReviewOverdue', () => {
  const rule = BUILTIN_ALERT_RULES.filter((r) => r.kind === 'review-overdue');

  it('is idle without review input, fires when the last review is older than 26 h', () => {
    expect(evaluateAlerts(rule, inputs(T), new Map(), links).size).toBe(0);
    const reviews = [
      { cluster: 'prod', lastReviewAt: T - 27 * 60 * M },
      { cluster: 'dev', lastReviewAt: T - 2 * 60 * M },
      { cluster: 'new', lastReviewAt: null },
    ];
    const s = evaluateAlerts(rule, inputs(T, { reviews }), new Map(), links);
    expect([...s.values()].map((a) => a.labels['cluster']).sort()).toEqual(['new', 'prod']);
  });
});

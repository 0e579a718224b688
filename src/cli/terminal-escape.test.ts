import { describe, expect, it } from 'vitest';

import type { Flow } from '../domain/flow.js';
import { flowTableCells, renderTable, TABLE_HEADERS } from './flow-output.js';
import { escapeJsonForTerminal, escapeTerminal } from './terminal-escape.js';

function flowWithPod(pod: string): Flow {
  const ep = (p: string): Flow['src'] => ({
    kind: 'pod',
    namespace: 'shop',
    pod: p,
    workload: null,
    labels: {},
    ip: '10.0.0.1',
    dnsNames: [],
    externalGroup: null,
  });
  return {
    time: Date.parse('2025-03-04T09:15:00Z'),
    cluster: 'c',
    src: ep(pod),
    dst: ep('db-0'),
    protocol: 'TCP',
    port: 5432,
    direction: 'ingress',
    verdict: 'denied',
    reason: 'policy-denied',
    dropReason: 'POLICY_DENIED',
    policies: [],
    flows: 1,
    packets: null,
    bytes: null,
    bytesToDst: null,
    bytesToSrc: null,
    source: 'hubble',
    node: null,
    durationMs: 0,
  };
}

describe('escapeTerminal', () => {
  it('makes ANSI escapes, C0/C1 controls and bidi overrides visible', () => {
    expect(escapeTerminal('a\u001b[2Jb')).toBe('a\\x1b[2Jb');
    expect(escapeTerminal('x\u0007\u009by\r\n')).toBe('x\\x07\\x9by\\x0d\\x0a');
    expect(escapeTerminal('evil\u202etxt.exe')).toBe('evil\\u202etxt.exe');
    expect(escapeTerminal('plain-pod-ü')).toBe('plain-pod-ü');
  });

  it('escapes a pod name carrying an ANSI sequence in the flows table', () => {
    const pod = 'web\u001b]0;pwned\u0007\u001b[31mred';
    const out = renderTable(TABLE_HEADERS, [flowTableCells(flowWithPod(pod))]);
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u0007');
    expect(out).toContain('shop/web\\x1b]0;pwned\\x07\\x1b[31mred');
  });
});

describe('escapeJsonForTerminal', () => {
  it('keeps JSON valid and equal while hiding C1 and bidi controls', () => {
    const value = { pod: 'a\u009b31mb\u202ec\u001b[0m' };
    const safe = escapeJsonForTerminal(JSON.stringify(value));
    expect(safe).not.toMatch(/[\u0080-\u009f\u202e]/);
    expect(safe).not.toContain('\u001b');
    expect(JSON.parse(safe)).toEqual(value);
  });
});

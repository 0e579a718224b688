import { describe, expect, it } from 'vitest';

import { escalationFor } from './escalation.js';
import { codeBlock, escapeMarkdown, escapeSlackText } from './escape.js';
import { incidentFixture } from './incident-fixture.js';
import { buildNotifyMessage, type NotifyContent } from './message.js';
import { type NamespaceMeta, resolveOwners } from './owners.js';

const T = Date.UTC(2026, 2, 1);
const evil = '<!channel> [click](https://evil.example) *x* `y`\u001b[31m';

function content(): NotifyContent {
  const incident = incidentFixture({ title: evil, detectedAt: T });
  return {
    incident,
    url: 'https://netsec.example/incidents/inc-1',
    owners: [],
    findings: [],
    flows: [
      {
        ref: {
          time: T,
          cluster: 'c1',
          src: { namespace: 'shop', pod: 'web-1', workload: evil },
          dst: { namespace: 'payments', pod: null, workload: 'api' },
          protocol: 'TCP',
          port: 5432,
          verdict: 'denied',
        },
        explanation: { allowed: false, summary: 'Denied at ingress', steps: ['ingress: deny-all'] },
        fix: { yaml: 'kind: NetworkPolicy\n# ```\n', blastRadius: ['nothing else'] },
        note: null,
      },
    ],
    escalation: escalationFor(incident, [], T + 60_000),
    note: null,
  };
}

describe('notify message', () => {
  it('escapes attacker-controlled names for Slack and Markdown', () => {
    const m = buildNotifyMessage(content());
    expect(m.slack.text).not.toContain('<!channel>');
    expect(m.slack.text).toContain('&lt;!channel&gt;');
    expect(m.slack.text).not.toContain('\u001b');
    expect(m.markdown).not.toContain('[click](https://evil.example)');
    expect(m.markdown).toContain('\\[click\\]\\(https://evil.example\\)');
    expect(m.markdown).toContain('Suggested NetworkPolicy change');
    expect(m.markdown).toContain('Blast radius');
    expect(m.json['incident']).toMatchObject({ title: evil });
  });

  it('fences code so a backtick run inside cannot close it', () => {
    const b = codeBlock('a ``` b', 'yaml');
    expect(b.startsWith('````yaml\n')).toBe(true);
    expect(b.endsWith('\n````')).toBe(true);
    expect(escapeMarkdown('a_b')).toBe('a\\_b');
    expect(escapeSlackText('a<b>&')).toBe('a&lt;b&gt;&amp;');
  });
});

describe('owners', () => {
  const ns: NamespaceMeta[] = [
    {
      name: 'shop',
      labels: { 'netsec.io/owner': 'shop-team' },
      annotations: {
        'netsec.io/contact': 'a@x.se, nope',
        'netsec.io/webhook': 'javascript:alert(1)',
      },
    },
    { name: 'quiet', labels: {} },
  ];
  it('reads labels and annotations, and merges configuration field by field', () => {
    const o = resolveOwners(ns, { shop: { slack: '#shop' }, billing: { team: 'billing' } });
    expect(o).toEqual([
      {
        namespace: 'billing',
        team: 'billing',
        email: [],
        slack: null,
        webhook: null,
        webhookFormat: null,
        source: 'config',
      },
      {
        namespace: 'shop',
        team: 'shop-team',
        email: ['a@x.se'],
        slack: '#shop',
        webhook: null,
        webhookFormat: null,
        source: 'cluster+config',
      },
    ]);
  });
  it('ignores the cluster in replace mode', () => {
    expect(resolveOwners(ns, {}, undefined, 'replace')).toEqual([]);
  });
});

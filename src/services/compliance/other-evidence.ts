/** Audit chain, policy-change journal, denied traffic and external egress evidence. */
import type { EvidenceItem } from '../../api/compliance-schema.js';
import type { Completeness } from './completeness.js';
import { type EvidenceInput, gapItem, item } from './evidence-input.js';
import { policyChangesOf } from './stores.js';
import { monthlyTrafficTable, type TrafficEvidence } from './traffic.js';

export async function auditChainEvidence(input: EvidenceInput): Promise<EvidenceItem> {
  try {
    const r = await input.ctx.audit.verify();
    const figures = [
      { label: 'entries verified', value: r.entries },
      { label: 'head hash', value: r.head },
    ];
    return r.ok
      ? item('audit-chain', 'met', `audit chain intact (${r.entries} entries)`, null, figures)
      : item(
          'audit-chain',
          'gap',
          'audit chain broken',
          `entry #${r.firstBad?.seq}: ${r.firstBad?.reason}`,
          figures,
        );
  } catch (err) {
    return gapItem('audit-chain', err instanceof Error ? err.message : String(err));
  }
}

export async function policyChangeEvidence(input: EvidenceInput): Promise<EvidenceItem> {
  let changes;
  try {
    changes = await policyChangesOf(input.ctx.store).listPolicyChanges({
      from: input.from,
      to: input.to,
      ...(input.cluster ? { cluster: [input.cluster] } : {}),
      ...(input.namespaces ? { namespace: [...input.namespaces] } : {}),
      limit: 10_000,
    });
  } catch (err) {
    return gapItem('policy-changes', err instanceof Error ? err.message : String(err));
  }
  const table = {
    id: 'policy-changes',
    title: 'NetworkPolicy and namespace-label changes',
    columns: ['time', 'cluster', 'kind', 'change', 'namespace', 'name', 'summary'],
    rows: changes.map((c) => [
      new Date(c.time).toISOString(),
      c.cluster,
      c.kind,
      c.type,
      c.namespace,
      c.name,
      c.summary,
    ]),
  };
  return item(
    'policy-changes',
    changes.length ? 'met' : 'partial',
    `${changes.length} changes journalled`,
    'no changes journalled in the period: the journal is kept only while the live Kubernetes watch runs',
    [{ label: 'changes journalled', value: changes.length }],
    [table],
  );
}

export function deniedTrafficEvidence(t: TrafficEvidence, c: Completeness): EvidenceItem {
  const sum = (
    k: 'cross-namespace' | 'same-namespace' | 'external-ingress' | 'external-egress',
  ): number => t.months.reduce((s, m) => s + m.deniedBy[k], 0);
  const figures = [
    { label: 'denied flows', value: t.totals.denied.flows },
    { label: 'denied packets', value: t.totals.denied.packets },
    { label: 'denied cross-namespace', value: sum('cross-namespace') },
    { label: 'denied same-namespace', value: sum('same-namespace') },
    { label: 'denied from external peers', value: sum('external-ingress') },
    { label: 'denied to external peers', value: sum('external-egress') },
    { label: 'audit-mode would-deny flows', value: t.totals.audit.flows },
  ];
  if (c.hoursWithData === 0)
    return item(
      'denied-traffic',
      'gap',
      'no traffic recorded',
      'no flow data in the period: nothing shows what policies allowed or denied',
      figures,
      [monthlyTrafficTable(t)],
    );
  return item(
    'denied-traffic',
    c.ratio !== null && c.ratio >= 0.5 ? 'met' : 'partial',
    `traffic recorded in ${c.hoursWithData} hours; ${t.totals.denied.flows ?? t.totals.denied.packets ?? 0} denied`,
    'traffic was recorded in less than half of the hours of the period',
    figures,
    [monthlyTrafficTable(t), t.topViolations],
  );
}

export function externalEgressEvidence(t: TrafficEvidence, c: Completeness): EvidenceItem {
  const allowedOut = t.months.reduce((s, m) => s + m.allowedBy['external-egress'], 0);
  const deniedOut = t.months.reduce((s, m) => s + m.deniedBy['external-egress'], 0);
  const figures = [
    { label: 'allowed flows to external peers', value: allowedOut },
    { label: 'denied flows to external peers', value: deniedOut },
  ];
  if (c.hoursWithData === 0)
    return item(
      'external-egress',
      'gap',
      'no traffic recorded',
      'no flow data in the period: egress to external peers was not watched',
      figures,
    );
  return item(
    'external-egress',
    'met',
    `${allowedOut} allowed and ${deniedOut} denied flows to external peers watched`,
    null,
    figures,
  );
}

/**
 * The report data model: the figures of a period, in sections, built from the compliance
 * evidence. HTML, PDF and CSV render it; `--format json` writes it as is.
 */
import type { EvidenceItem, EvidenceTable } from '../../api/compliance-schema.js';
import type { ReportData, ReportSection } from '../../api/report-schema.js';
import type { EvidenceKind } from '../../domain/compliance/catalogue.js';
import type { ReportPeriod } from '../../domain/compliance/period.js';
import { type ComplianceRun, runCompliance } from '../compliance/compliance-service.js';
import { reviewsOf } from '../compliance/stores.js';
import type { GovernanceContext } from '../governance-context.js';

export interface ReportRequest {
  period: ReportPeriod;
  cluster: string | null;
  /** Namespaces asked for; intersected with the issuer's scope. */
  namespaces: string[] | null;
  conclusions: string | null;
  signedBy: string | null;
  /** Who generates it (user name). */
  issuer: string;
  /** The issuer's namespace scope (developers); null = every namespace. */
  issuerScope: readonly string[] | null;
}

const TITLES = {
  daily: 'Daily review report',
  monthly: 'Monthly summary',
  annual: 'Annual evaluation of protection against unauthorised network access',
} as const;

/** Namespaces the report covers: those asked for, within the issuer's scope. */
export function effectiveNamespaces(req: ReportRequest): string[] | null {
  if (!req.issuerScope) return req.namespaces;
  if (!req.namespaces) return [...req.issuerScope];
  return req.namespaces.filter((n) => req.issuerScope?.includes(n));
}

function table(
  items: Map<EvidenceKind, EvidenceItem>,
  kind: EvidenceKind,
  id: string,
): EvidenceTable[] {
  return items.get(kind)?.tables.filter((t) => t.id === id) ?? [];
}

function gaps(items: Map<EvidenceKind, EvidenceItem>, ...kinds: EvidenceKind[]): string[] {
  return kinds
    .map((k) => items.get(k))
    .filter((i): i is EvidenceItem => !!i && i.status !== 'met' && i.reason !== null)
    .map((i) => `${i.title}: ${i.reason ?? ''}`);
}

function figuresTable(id: string, title: string, i: EvidenceItem | undefined): EvidenceTable[] {
  if (!i || i.figures.length === 0) return [];
  return [
    { id, title, columns: ['figure', 'value'], rows: i.figures.map((f) => [f.label, f.value]) },
  ];
}

/** The daily report lists each signed-off review of the day with its items and decisions. */
async function reviewItemsSection(
  ctx: GovernanceContext,
  run: ComplianceRun,
  namespaces: readonly string[] | null,
): Promise<ReportSection> {
  const section: ReportSection = {
    id: 'review-items',
    title: 'Reviews of the day: items and decisions',
    text: [],
    tables: [],
    gaps: [],
  };
  if (typeof run.reviews === 'string') {
    section.gaps.push(`Reviews: ${run.reviews}`);
    return section;
  }
  if (run.reviews.reviews.length === 0)
    section.gaps.push('No review was signed off in this period.');
  const mine = (ns: string | null, peer: string | null): boolean =>
    !namespaces ||
    (ns !== null && namespaces.includes(ns)) ||
    (peer !== null && namespaces.includes(peer.split('/')[0] ?? ''));
  for (const r of run.reviews.reviews) {
    const items = (await reviewsOf(ctx.store).listItems(r.id)).filter((i) =>
      mine(i.item.namespace, i.item.peerNamespace),
    );
    section.text.push(
      `Review signed off ${r.signedOffAt === null ? '' : new Date(r.signedOffAt).toISOString()} by ${r.signedOffBy ?? '?'} (cluster ${r.cluster}): ${r.note ?? ''}`,
    );
    section.tables.push({
      id: `review-${r.id}`,
      title: `Items of the review signed off by ${r.signedOffBy ?? '?'}`,
      columns: [
        'kind',
        'severity',
        'namespace',
        'workload',
        'item',
        'decision',
        'reason',
        'by',
        'incident',
        'suppression',
      ],
      rows: items.map((i) => [
        i.item.kind,
        i.item.severity,
        i.item.namespace,
        i.item.workload,
        i.item.title,
        i.disposition?.disposition ?? (i.suppressionId ? 'suppressed' : 'undecided'),
        i.disposition?.reason ?? null,
        i.disposition?.actor ?? null,
        i.disposition?.incidentId ?? null,
        i.disposition?.suppressionId ?? i.suppressionId,
      ]),
    });
  }
  return section;
}

/** Builds the report for a period. */
export async function buildReport(ctx: GovernanceContext, req: ReportRequest): Promise<ReportData> {
  const namespaces = effectiveNamespaces(req);
  const run = await runCompliance(
    ctx,
    {
      from: req.period.from,
      to: req.period.to,
      ...(req.cluster ? { cluster: req.cluster } : {}),
    },
    namespaces ? { namespaces } : undefined,
  );
  const items = new Map(run.response.evidence.map((i) => [i.kind, i]));
  const t = run.traffic;
  const monthly = items.get('denied-traffic')?.tables.find((x) => x.id === 'traffic-by-month');
  const sum = (f: (m: (typeof t.months)[number]) => number): number =>
    t.months.reduce((s, m) => s + f(m), 0);
  const sections: ReportSection[] = [
    {
      id: 'internal-access',
      title: 'Protection against internal unauthorised access',
      text: [
        'Internal access is traffic between workloads inside the cluster: across namespaces (segregation between systems) and within a namespace (lateral movement).',
        `Denied cross-namespace flows: ${sum((m) => m.deniedBy['cross-namespace'])}; denied within a namespace: ${sum((m) => m.deniedBy['same-namespace'])}. Allowed cross-namespace flows: ${sum((m) => m.allowedBy['cross-namespace'])}.`,
        items.get('coverage')?.summary ?? '',
      ],
      tables: [
        {
          id: 'internal-by-month',
          title: 'Internal traffic per month (flows)',
          columns: [
            'month',
            'denied cross-namespace',
            'denied same-namespace',
            'allowed cross-namespace',
            'allowed same-namespace',
          ],
          rows: t.months.map((m) => [
            m.month,
            m.deniedBy['cross-namespace'],
            m.deniedBy['same-namespace'],
            m.allowedBy['cross-namespace'],
            m.allowedBy['same-namespace'],
          ]),
        },
        ...table(items, 'coverage', 'coverage-now'),
      ],
      gaps: gaps(items, 'coverage'),
    },
    {
      id: 'external-access',
      title: 'Protection against external unauthorised access',
      text: [
        'External access is traffic from peers outside the cluster (the internet or other networks) into workloads, and from workloads out to external peers.',
        `Denied from external peers: ${sum((m) => m.deniedBy['external-ingress'])}; allowed from external peers: ${sum((m) => m.allowedBy['external-ingress'])}; allowed to external peers: ${sum((m) => m.allowedBy['external-egress'])}; denied to external peers: ${sum((m) => m.deniedBy['external-egress'])}.`,
      ],
      tables: [
        {
          id: 'external-by-month',
          title: 'External traffic per month (flows)',
          columns: [
            'month',
            'denied from external',
            'allowed from external',
            'denied to external',
            'allowed to external',
          ],
          rows: t.months.map((m) => [
            m.month,
            m.deniedBy['external-ingress'],
            m.allowedBy['external-ingress'],
            m.deniedBy['external-egress'],
            m.allowedBy['external-egress'],
          ]),
        },
      ],
      gaps: gaps(items, 'external-egress'),
    },
    {
      id: 'traffic-trends',
      title: 'Denied and allowed traffic per month',
      text: [
        'Counts are sums of the hourly rollups. A counter a source does not report is left blank, never zero.',
      ],
      tables: monthly ? [monthly] : [],
      gaps: gaps(items, 'denied-traffic'),
    },
    {
      id: 'top-violations',
      title: 'Top violations',
      text: [],
      tables: [t.topViolations],
      gaps: [],
    },
    {
      id: 'findings-incidents',
      title: 'Findings and incidents with their outcomes',
      text: [items.get('findings-handled')?.summary ?? '', items.get('incidents')?.summary ?? ''],
      tables: [
        ...figuresTable('findings', 'Findings', items.get('findings-handled')),
        ...(items.get('findings-handled')?.tables ?? []),
        ...figuresTable('incident-figures', 'Incidents', items.get('incidents')),
        ...(items.get('incidents')?.tables ?? []),
      ],
      gaps: gaps(items, 'findings-handled', 'incidents'),
    },
    {
      id: 'review-completion',
      title: 'Review completion',
      text: [items.get('review-completion')?.summary ?? ''],
      tables: [
        ...figuresTable('review-figures', 'Reviews', items.get('review-completion')),
        ...(items.get('review-completion')?.tables ?? []),
      ],
      gaps: gaps(items, 'review-completion'),
    },
    {
      id: 'coverage-policy-changes',
      title: 'Coverage over time and policy changes',
      text: [items.get('coverage')?.summary ?? '', items.get('policy-changes')?.summary ?? ''],
      tables: [
        ...table(items, 'coverage', 'coverage-by-month'),
        ...(items.get('policy-changes')?.tables ?? []),
      ],
      gaps: gaps(items, 'coverage', 'policy-changes'),
    },
    {
      id: 'data-completeness',
      title: 'Data completeness and retention',
      text: [items.get('completeness')?.summary ?? '', items.get('retention')?.summary ?? ''],
      tables: [
        ...figuresTable('completeness', 'Completeness', items.get('completeness')),
        ...(items.get('completeness')?.tables ?? []),
        ...(items.get('retention')?.tables ?? []),
      ],
      gaps: gaps(items, 'completeness', 'retention'),
    },
    {
      id: 'controls',
      title: 'Controls and evidence status',
      text: [
        'Each control is met when all its evidence is met, a gap when none is, and partial otherwise.',
      ],
      tables: [
        {
          id: 'controls',
          title: 'Controls',
          columns: ['framework', 'clause', 'control', 'status', 'gaps'],
          rows: run.response.controls.map((c) => [
            c.framework,
            c.clause,
            c.title,
            c.status,
            c.gaps.join(' | '),
          ]),
        },
      ],
      gaps: [],
    },
  ];
  if (req.period.kind === 'daily') sections.unshift(await reviewItemsSection(ctx, run, namespaces));
  return {
    schema: 'netsec-report/1',
    kind: req.period.kind,
    title: TITLES[req.period.kind],
    period: { label: req.period.label, from: req.period.from, to: req.period.to },
    generatedAt: ctx.now(),
    generatedBy: req.issuer,
    signedBy: req.signedBy,
    scope: { cluster: req.cluster, namespaces, restrictedToCaller: req.issuerScope !== null },
    totals: t.totals,
    sections: sections.map((s) => ({ ...s, text: s.text.filter((x) => x !== '') })),
    compliance: run.response,
    conclusions: req.conclusions,
  };
}

/**
 * The compliance page: every control of the catalogue with its live evidence for a period,
 * each item judged met / partial / gap with the reason.
 */
import type { ComplianceResponse, EvidenceItem } from '../../api/compliance-schema.js';
import { resolveReportSettings } from '../../api/report-config-schema.js';
import { CONTROLS, type EvidenceKind } from '../../domain/compliance/catalogue.js';
import { combineStatus } from '../../domain/compliance/status.js';
import { DAY_MS } from '../../domain/time.js';
import type { GovernanceContext } from '../governance-context.js';
import { type Completeness, completenessEvidence } from './completeness.js';
import { coverageEvidence } from './coverage.js';
import type { EvidenceInput } from './evidence-input.js';
import { incidentEvidence, type IncidentFigures, incidentFigures } from './incidents.js';
import {
  auditChainEvidence,
  deniedTrafficEvidence,
  externalEgressEvidence,
  policyChangeEvidence,
} from './other-evidence.js';
import { retentionEvidence } from './retention.js';
import { findingsEvidence, reviewEvidence, type ReviewFigures, reviewFigures } from './reviews.js';
import { type TrafficEvidence, trafficEvidence } from './traffic.js';

export interface ComplianceRequest {
  from?: number;
  to?: number;
  cluster?: string;
}

/** Everything computed for a period: the response, plus the figures reports reuse. */
export interface ComplianceRun {
  response: ComplianceResponse;
  traffic: TrafficEvidence;
  completeness: Completeness;
  /** A string is the reason they could not be read. */
  reviews: ReviewFigures | string;
  incidents: IncidentFigures | string;
}

/** Default window: the last 365 days up to now. */
export const DEFAULT_COMPLIANCE_WINDOW_MS = 365 * DAY_MS;

/**
 * @example const c = await getCompliance(ctx, { cluster: 'prod' }, accessScopeOf(principal));
 */
export async function getCompliance(
  ctx: GovernanceContext,
  req: ComplianceRequest,
  scope?: { namespaces?: readonly string[] },
): Promise<ComplianceResponse> {
  return (await runCompliance(ctx, req, scope)).response;
}

export async function runCompliance(
  ctx: GovernanceContext,
  req: ComplianceRequest,
  scope?: { namespaces?: readonly string[] },
): Promise<ComplianceRun> {
  const now = ctx.now();
  const to = req.to ?? now;
  const input: EvidenceInput = {
    ctx,
    from: req.from ?? to - DEFAULT_COMPLIANCE_WINDOW_MS,
    to,
    cluster: req.cluster ?? null,
    namespaces: scope?.namespaces ? [...scope.namespaces] : null,
    now,
  };
  const settings = resolveReportSettings(ctx.config.reports);
  const traffic = await trafficEvidence(input);
  const { item: completeness, completeness: figures } = await completenessEvidence(
    input,
    settings.completenessTarget,
  );
  const reviews = await reviewFigures(input);
  const incidents = await incidentFigures(input);
  const items: EvidenceItem[] = [
    reviewEvidence(reviews, settings.reviewCompletionTarget),
    await findingsEvidence(input, reviews),
    incidentEvidence(incidents, now),
    await coverageEvidence(input, typeof reviews === 'string' ? [] : reviews.reviews),
    await retentionEvidence(input),
    completeness,
    deniedTrafficEvidence(traffic, figures),
    externalEgressEvidence(traffic, figures),
    await auditChainEvidence(input),
    await policyChangeEvidence(input),
  ];
  const byKind = new Map<EvidenceKind, EvidenceItem>(items.map((i) => [i.kind, i]));
  const controls = CONTROLS.map((c) => {
    const ev = c.evidence.map((k) => byKind.get(k)).filter((x): x is EvidenceItem => !!x);
    return {
      id: c.id,
      framework: c.framework,
      clause: c.clause,
      title: c.title,
      requirement: c.requirement,
      status: combineStatus(ev.map((e) => e.status)),
      evidence: [...c.evidence],
      gaps: ev.filter((e) => e.status !== 'met').map((e) => `${e.title}: ${e.reason ?? e.status}`),
    };
  });
  return {
    response: {
      from: input.from,
      to: input.to,
      cluster: input.cluster,
      namespaces: input.namespaces ? [...input.namespaces] : null,
      generatedAt: now,
      controls,
      evidence: items,
    },
    traffic,
    completeness: figures,
    reviews,
    incidents,
  };
}

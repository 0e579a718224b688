/**
 * Status transitions of an incident, as pure functions. Forward moves may skip steps (a false
 * positive goes straight from open to closed); moving back is a reopen, which needs a reason.
 * Resolving or closing needs an outcome, so "incidents by outcome" has no blanks.
 */
import type { Incident, IncidentOutcome, IncidentStatus } from './types.js';
import { INCIDENT_STATUSES } from './types.js';

const rank = (s: IncidentStatus): number => INCIDENT_STATUSES.indexOf(s);

/** Backward moves that are allowed: back to investigating (containment failed, or reopened). */
const REOPEN: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  open: [],
  investigating: ['open'],
  contained: ['investigating'],
  resolved: ['investigating'],
  closed: ['investigating'],
};

/** Statuses reachable from `from` in one step. */
export function allowedTransitions(from: IncidentStatus): IncidentStatus[] {
  return INCIDENT_STATUSES.filter((s) => rank(s) > rank(from) || REOPEN[from].includes(s));
}

export function isReopen(from: IncidentStatus, to: IncidentStatus): boolean {
  return rank(to) < rank(from);
}

export interface TransitionRequest {
  to: IncidentStatus;
  at: number;
  outcome?: IncidentOutcome | null;
  resolution?: string | null;
  /** Why: required when reopening. */
  reason?: string | null;
}

export type TransitionResult =
  | {
      ok: true;
      patch: Pick<Incident, 'status' | 'containedAt' | 'resolvedAt' | 'closedAt' | 'outcome'> &
        Partial<Pick<Incident, 'resolution'>>;
    }
  | { ok: false; error: string };

/**
 * Checks a status change and computes the timestamps it sets.
 * @example transition(incident, { to: 'contained', at: now }) // { ok: true, patch: { containedAt: now, … } }
 */
export function transition(current: Incident, req: TransitionRequest): TransitionResult {
  const from = current.status;
  const to = req.to;
  if (from === to) return { ok: false, error: `the incident is already ${to}` };
  if (!allowedTransitions(from).includes(to)) {
    return { ok: false, error: `cannot move an incident from ${from} to ${to}` };
  }
  const reopen = isReopen(from, to);
  if (reopen && !req.reason?.trim()) {
    return { ok: false, error: `moving back from ${from} to ${to} needs a reason` };
  }
  const outcome = req.outcome ?? (reopen ? null : current.outcome);
  if (rank(to) >= rank('resolved') && !outcome) {
    return { ok: false, error: `${to} needs an outcome` };
  }
  const reached = (s: IncidentStatus, prev: number | null): number | null =>
    rank(to) >= rank(s) ? (prev ?? req.at) : null;
  return {
    ok: true,
    patch: {
      status: to,
      // Containment is kept once reached: reopening does not undo the time it took.
      containedAt:
        rank(to) >= rank('contained') ? (current.containedAt ?? req.at) : current.containedAt,
      resolvedAt: reached('resolved', reopen ? null : current.resolvedAt),
      closedAt: reached('closed', reopen ? null : current.closedAt),
      outcome,
      ...(req.resolution !== undefined ? { resolution: req.resolution } : {}),
    },
  };
}

/** Open means not yet resolved: it still needs someone's attention. */
export function isActive(status: IncidentStatus): boolean {
  return rank(status) < rank('resolved');
}

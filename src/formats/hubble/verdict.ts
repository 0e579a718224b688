/** Hubble verdicts and drop reasons → domain verdict and reason. */
import type { FlowReason, Verdict } from '../../domain/flow.js';
import { dropReasonName } from './drop-reasons.js';

/** What to do with a flow event of a given Hubble verdict. */
export type VerdictClass = Verdict | 'error' | 'skip' | 'bad';

const BY_NAME: Readonly<Record<string, VerdictClass>> = {
  FORWARDED: 'allowed',
  DROPPED: 'denied',
  ERROR: 'error',
  AUDIT: 'audit',
  // Redirected to the L7 proxy: the L3/L4 policy let it through.
  REDIRECTED: 'allowed',
  // Seen at a trace point before any verdict, or a NAT step: duplicates of a counted event.
  TRACED: 'skip',
  TRANSLATED: 'skip',
  VERDICT_UNKNOWN: 'skip',
};
const BY_NUMBER: readonly VerdictClass[] = [
  'skip',
  'allowed',
  'denied',
  'error',
  'audit',
  'allowed',
  'skip',
  'skip',
];

export function classifyVerdict(v: unknown): VerdictClass {
  // protobuf JSON omits enum zero values, so an absent verdict is VERDICT_UNKNOWN.
  if (v === undefined || v === null) return 'skip';
  if (typeof v === 'string') return BY_NAME[v] ?? 'bad';
  if (typeof v === 'number') return BY_NUMBER[v] ?? 'bad';
  return 'bad';
}

/** The drop reason's enum name from `drop_reason_desc`, else the numeric `drop_reason`, else the drop event's sub type. */
export function dropReasonText(desc: unknown, code: unknown, subType: unknown): string | null {
  if (typeof desc === 'string' && desc !== '' && desc !== 'DROP_REASON_UNKNOWN') {
    return /^\d+$/.test(desc) ? dropReasonName(Number(desc)) : desc;
  }
  if (typeof desc === 'number' && desc > 0) return dropReasonName(desc);
  for (const c of [code, subType]) {
    const n = typeof c === 'number' ? c : typeof c === 'string' && /^\d+$/.test(c) ? Number(c) : 0;
    if (n > 0) return dropReasonName(n);
  }
  return null;
}

/** POLICY_DENIED: isolated and nothing allowed it; POLICY_DENY: an explicit deny rule. */
export function reasonOfDrop(text: string | null): FlowReason {
  if (text === 'POLICY_DENIED') return 'policy-denied';
  if (text === 'POLICY_DENY') return 'explicit-deny';
  return text === null ? 'unknown' : 'non-policy-drop';
}

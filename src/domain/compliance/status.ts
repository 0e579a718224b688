/** Met / partial / gap: how an evidence item, and a control made of them, is judged. */
export const EVIDENCE_STATUSES = ['met', 'partial', 'gap'] as const;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];

/**
 * A control is met when every item is met, a gap when every item is a gap (or it has none),
 * partial otherwise: one missing piece of evidence must never read as "met".
 */
export function combineStatus(items: readonly EvidenceStatus[]): EvidenceStatus {
  if (items.length === 0) return 'gap';
  if (items.every((s) => s === 'met')) return 'met';
  if (items.every((s) => s === 'gap')) return 'gap';
  return 'partial';
}

/** Status from a ratio against a target: met at or above it, partial above zero, else a gap. */
export function statusForRatio(ratio: number | null, target: number): EvidenceStatus {
  if (ratio === null || ratio <= 0) return 'gap';
  return ratio >= target ? 'met' : 'partial';
}

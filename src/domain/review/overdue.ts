/** When a review is due and when it is overdue: after the last sign-off plus cadence plus grace. */

export interface ReviewDue {
  lastSignedOffAt: number | null;
  /** Due at last sign-off + cadence; null when never signed off (due now). */
  dueAt: number | null;
  overdue: boolean;
  /** Overdue since (due + grace), or null. */
  overdueSince: number | null;
}

export function reviewDue(
  lastSignedOffAt: number | null,
  now: number,
  cadenceMs: number,
  graceMs: number,
): ReviewDue {
  if (lastSignedOffAt === null)
    return { lastSignedOffAt, dueAt: null, overdue: true, overdueSince: null };
  const dueAt = lastSignedOffAt + cadenceMs;
  const overdue = now > dueAt + graceMs;
  return { lastSignedOffAt, dueAt, overdue, overdueSince: overdue ? dueAt + graceMs : null };
}

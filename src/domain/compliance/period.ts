/** Report periods: a UTC day (`2026-11-25`), month (`2026-11`) or year (`2026`). */
import { DAY_MS } from '../time.js';

export const REPORT_KINDS = ['daily', 'monthly', 'annual'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_FORMATS = ['html', 'pdf', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportPeriod {
  kind: ReportKind;
  /** The period as written: `2026-11-25`, `2026-11`, `2026`. */
  label: string;
  /** Inclusive start, epoch ms (UTC midnight). */
  from: number;
  /** Exclusive end, epoch ms. */
  to: number;
}

export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

const FORMS: Record<ReportKind, { re: RegExp; example: string; form: string }> = {
  daily: { re: /^(\d{4})-(\d{2})-(\d{2})$/, example: '2026-11-25', form: 'YYYY-MM-DD' },
  monthly: { re: /^(\d{4})-(\d{2})$/, example: '2026-11', form: 'YYYY-MM' },
  annual: { re: /^(\d{4})$/, example: '2026', form: 'YYYY' },
};

/** The form a period of this kind is written in, e.g. `YYYY-MM (e.g. 2026-11)`. */
export function periodForm(kind: ReportKind): string {
  return `${FORMS[kind].form} (e.g. ${FORMS[kind].example})`;
}

/**
 * Parses a period; the error names the value and the expected form.
 * @example parsePeriod('monthly', '2026-11') // { from: Date.UTC(2026, 10), to: Date.UTC(2026, 11), … }
 */
export function parsePeriod(kind: ReportKind, text: string): ReportPeriod {
  const m = FORMS[kind].re.exec(text);
  const bad = (): PeriodError =>
    new PeriodError(
      `bad ${kind} period ${JSON.stringify(text.slice(0, 40))}: expected ${periodForm(kind)}`,
    );
  if (!m) throw bad();
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31) throw bad();
  const from = Date.UTC(y, mo - 1, d);
  if (new Date(from).getUTCDate() !== d) throw bad();
  const to =
    kind === 'daily'
      ? from + DAY_MS
      : kind === 'monthly'
        ? Date.UTC(y, mo, 1)
        : Date.UTC(y + 1, 0, 1);
  return { kind, label: text, from, to };
}

/** Start of each UTC month overlapping [from, to). */
export function monthStarts(from: number, to: number): number[] {
  const out: number[] = [];
  const d = new Date(from);
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  while (t < to) {
    out.push(t);
    const n = new Date(t);
    t = Date.UTC(n.getUTCFullYear(), n.getUTCMonth() + 1, 1);
  }
  return out;
}

/** `2026-11` for a month start. */
export function monthLabel(t: number): string {
  return new Date(t).toISOString().slice(0, 7);
}

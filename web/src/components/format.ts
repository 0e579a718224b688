/** Number, unit and time formatting. Units are always named: flows, packets and bytes differ. */

export const NOT_REPORTED = 'not reported by this source';

const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const nf2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function fmtNumber(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${nf.format(n / 1e9)}G`;
  if (a >= 1e6) return `${nf.format(n / 1e6)}M`;
  if (a >= 1e4) return `${nf.format(n / 1e3)}k`;
  // Small rates keep two significant digits: 0.0042/s must not read as 0.
  if (a > 0 && a < 1) return String(Number(n.toPrecision(2)));
  return a < 10 && a !== Math.round(a) ? nf2.format(n) : nf.format(n);
}

export function fmtBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${nf.format(v)} ${units[i]}`;
}

export type Unit = 'flows' | 'packets' | 'bytes';

/** A value with its unit; null says the source does not report it. */
export function fmtUnit(n: number | null, unit: Unit, perSecond = false): string {
  if (n === null) return NOT_REPORTED;
  const suffix = perSecond ? '/s' : '';
  if (unit === 'bytes') return `${fmtBytes(n)}${suffix}`;
  return `${fmtNumber(n)} ${unit}${suffix}`;
}

export function fmtCount(n: number | null): string {
  return n === null ? '—' : fmtNumber(n);
}

const dtf = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const tf = new Intl.DateTimeFormat('en-GB', {
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export function fmtTime(ms: number): string {
  return dtf.format(new Date(ms));
}

const ctf = new Intl.DateTimeFormat('en-GB', {
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** Day/month and time to the second: fits a table column. */
export function fmtCompactTime(ms: number): string {
  return ctf.format(new Date(ms)).replace(',', '');
}

export function fmtShortTime(ms: number): string {
  return tf.format(new Date(ms)).replace(',', '');
}

export function fmtRatio(r: number | null): string {
  if (r === null) return 'new';
  if (r >= 10) return `×${nf.format(r)}`;
  const pct = (r - 1) * 100;
  return `${pct >= 0 ? '+' : ''}${nf.format(pct)}%`;
}

export function peerText(p: {
  namespace: string | null;
  workload: string | null;
  kind: string;
}): string {
  if (p.workload === null)
    return p.namespace === null ? `(${p.kind} peer)` : `${p.namespace}/(unknown)`;
  return p.namespace === null ? p.workload : `${p.namespace}/${p.workload}`;
}

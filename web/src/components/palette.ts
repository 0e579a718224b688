/** Series colours: distinguishable in light and dark themes. Drops use the red family. */
export const PALETTE = [
  '#3b82f6',
  '#10b981',
  '#f59e0b',
  '#8b5cf6',
  '#ec4899',
  '#14b8a6',
  '#f97316',
  '#6366f1',
  '#84cc16',
  '#06b6d4',
  '#a855f7',
  '#64748b',
];
export const DANGER_PALETTE = [
  '#dc2626',
  '#f97316',
  '#b91c1c',
  '#fb7185',
  '#ea580c',
  '#be123c',
  '#f59e0b',
  '#9f1239',
  '#fca5a5',
  '#c2410c',
  '#e11d48',
  '#7f1d1d',
];

export function colorAt(i: number, danger: boolean): string {
  const p = danger ? DANGER_PALETTE : PALETTE;
  return p[i % p.length] as string;
}

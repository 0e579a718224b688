/** A tiny SVG trend line; values only, no text, so nothing untrusted is drawn. */
export function Sparkline({
  values,
  width = 96,
  height = 22,
  danger = false,
}: {
  values: readonly number[];
  width?: number;
  height?: number;
  danger?: boolean;
}): React.JSX.Element {
  const max = Math.max(1, ...values);
  const n = Math.max(1, values.length - 1);
  const pts = values.map(
    (v, i) =>
      `${((i / n) * (width - 2) + 1).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`,
  );
  return (
    <svg
      className={`sparkline${danger ? ' danger' : ''}`}
      width={width}
      height={height}
      role="img"
      aria-label={`trend, peak ${max}`}
    >
      <polyline points={pts.join(' ')} fill="none" strokeWidth="1.5" />
    </svg>
  );
}

/** A tiny inline line chart (SVG polyline) of [ts, value] points; the last value is the label's job. */
export function Sparkline({
  points,
  width = 120,
  height = 28,
  className,
  label,
}: {
  points: [number, number][];
  width?: number;
  height?: number;
  className?: string;
  label: string;
}) {
  if (points.length < 2)
    return (
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`${label}: no data yet`}
        className={className}
      >
        <line x1={0} x2={width} y1={height - 1} y2={height - 1} stroke="currentColor" strokeOpacity={0.2} />
      </svg>
    );
  const t0 = points[0]![0];
  const t1 = points[points.length - 1]![0];
  const max = Math.max(...points.map(([, v]) => v), 1e-9);
  const xy = points
    .map(
      ([t, v]) =>
        `${(((t - t0) / Math.max(t1 - t0, 1)) * width).toFixed(1)},${(height - 1 - (v / max) * (height - 3)).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg width={width} height={height} role="img" aria-label={label} className={className}>
      <polyline points={xy} fill="none" stroke="currentColor" strokeWidth={1.5} />
    </svg>
  );
}

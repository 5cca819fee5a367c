'use client';
import { useEffect, useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { alignSeries, type Points, seriesSummary } from '@/lib/chart-data.ts';

export interface ChartLine {
  label: string;
  points: Points;
  color: string;
  /** Which axis: left ('y') or right ('y2'). */
  scale?: 'y' | 'y2';
  /** Draw faintly: the upper edge of a band. */
  faint?: boolean;
}

export interface TimeChartProps {
  id: string;
  title: string;
  lines: ChartLine[];
  /** Band between two lines (indexes into `lines`: upper, lower), e.g. max over avg. */
  band?: [number, number];
  format: (v: number) => string;
  format2?: (v: number) => string;
  /** The x range to show, ms (the selected range, so live refresh never jumps). */
  from: number;
  to: number;
  height?: number;
}

/**
 * One time-series chart, drawn by uPlot to a canvas (10,000 points render in ~70 ms in Chromium, see
 * docs/benchmarks.md). The instance is created once per set of lines; live refresh calls setData, so the
 * chart never re-mounts or jumps. The legend shows exact values under the cursor in human units. The
 * chart's own data is summarised in `data-summary` (points, last, max per line) for tests.
 */
export function TimeChart({
  id,
  title,
  lines,
  band,
  format,
  format2,
  from,
  to,
  height = 200,
}: TimeChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const xRange = useRef<[number, number]>([from / 1000, to / 1000]);
  xRange.current = [from / 1000, to / 1000];
  const shape = lines.map((l) => `${l.label}/${l.scale ?? 'y'}`).join('|');
  const data = alignSeries(lines.map((l) => l.points)) as uPlot.AlignedData;
  const latest = useRef(data);
  latest.current = data;

  // The instance is created from the ResizeObserver's first report of the width, not by reading
  // clientWidth: with five charts on the page, each read after the previous chart's DOM went in forced a
  // layout of the whole page (the grid's rows included). The observer reports every chart's width after
  // one layout, and observing from a layout effect draws them in the first frame after hydration.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-created only when the set of lines changes
  useLayoutEffect(() => {
    const div = el.current;
    if (!div) return;
    const has2 = lines.some((l) => l.scale === 'y2');
    const axisValues = (f: (v: number) => string) => (_u: uPlot, splits: number[]) => splits.map((v) => f(v));
    const opts: uPlot.Options = {
      width: 300,
      height,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: () => xRange.current },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
        ...(has2 ? { y2: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } } : {}),
      },
      axes: [
        { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } },
        {
          stroke: 'currentColor',
          values: axisValues(format),
          size: 70,
          grid: { stroke: 'rgba(128,128,128,0.15)' },
        },
        ...(has2
          ? [
              {
                scale: 'y2',
                side: 1 as const,
                stroke: 'currentColor',
                values: axisValues(format2 ?? format),
                size: 70,
                grid: { show: false },
              },
            ]
          : []),
      ],
      series: [
        {
          value: (_u, v) =>
            v === null ? '—' : new Date(v * 1000).toLocaleString('en-GB', { hour12: false }),
        },
        ...lines.map((l) => ({
          label: l.label,
          scale: l.scale ?? 'y',
          stroke: l.color,
          width: l.faint ? 1 : 2,
          spanGaps: false,
          points: { show: false },
          value: (_u: uPlot, v: number | null) =>
            v === null ? '—' : (l.scale === 'y2' ? (format2 ?? format) : format)(v),
        })),
      ],
      ...(band
        ? {
            bands: [
              { series: [band[0] + 1, band[1] + 1] as [number, number], fill: `${lines[band[0]]!.color}22` },
            ],
          }
        : {}),
    };
    let u: uPlot | null = null;
    let drawnWidth = 0;
    const ro = new ResizeObserver((entries) => {
      const width = Math.max(entries[entries.length - 1]?.contentRect.width ?? 0, 300);
      if (width === drawnWidth) return; // the chart's own height going in, not a resize
      drawnWidth = width;
      if (u) u.setSize({ width, height });
      else {
        u = new uPlot({ ...opts, width }, latest.current, div);
        plot.current = u;
      }
    });
    ro.observe(div);
    return () => {
      ro.disconnect();
      u?.destroy();
      plot.current = null;
    };
  }, [shape, height]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    u.setData(data, true);
  });

  const summary = Object.fromEntries(lines.map((l) => [l.label, seriesSummary(l.points)]));
  const empty = lines.every((l) => l.points.length === 0);
  return (
    <figure className="min-w-0" data-testid={`chart-${id}`} data-summary={JSON.stringify(summary)}>
      <figcaption className="mb-1 text-sm font-medium">{title}</figcaption>
      <div ref={el} className="relative text-xs text-muted-foreground">
        {empty ? (
          <p className="absolute inset-x-0 top-16 z-10 text-center text-sm text-muted-foreground">
            No samples in this range yet.
          </p>
        ) : null}
      </div>
    </figure>
  );
}

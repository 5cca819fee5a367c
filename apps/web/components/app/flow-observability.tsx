'use client';
import type { FlowMetrics } from '@ferry/core';
import { METRIC_RANGES, type MetricRange } from '@ferry/core/metric-ranges';
import type { PartitionPage } from '@ferry/db';
import { Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card.tsx';
import { formatBytes, formatCount, formatDuration } from '@/lib/format.ts';
import { cn } from '@/lib/utils.ts';
import { PartitionGrid } from './partition-grid.tsx';
import { type ChartLine, TimeChart } from './time-chart.tsx';

const COLORS = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16'];
const RANGE_LABEL: Record<MetricRange, string> = {
  '15m': '15 min',
  '1h': '1 hour',
  '6h': '6 hours',
  '24h': '24 hours',
  '7d': '7 days',
};

type Scope = { topic: string; partition: number } | null;

/** What the server rendered into a full page load: the default view's charts (15m, whole flow) and grid page. */
export interface ObservabilityInitial {
  metrics: FlowMetrics | null;
  partitions: PartitionPage | null;
}

/**
 * The flow page's live part: range picker, charts (lag, record age, replication latency, throughput,
 * checkpoint latency per group) and the partition grid; clicking a partition scopes the charts to it.
 * A full page load starts from `initial` (the default view, rendered by the server into the HTML, so the grid's
 * first rows and the charts' data need no round trip after hydration); everything after that comes from the
 * same REST API as every other client, refreshed every few seconds.
 */
export function FlowObservability({
  teamId,
  flowId,
  initial,
}: {
  teamId: string;
  flowId: string;
  initial?: ObservabilityInitial | undefined;
}) {
  const [range, setRange] = useState<MetricRange>('15m');
  const [scope, setScope] = useState<Scope>(null);
  const [topicOnly, setTopicOnly] = useState(false);
  const [metrics, setMetrics] = useState<FlowMetrics | null>(initial?.metrics ?? null);
  // The server's metrics are the first load of the default view: the polling starts from them.
  const skipFirstLoad = useRef(initial?.metrics != null);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/v1/teams/${teamId}/flows/${flowId}`;

  const load = useCallback(async () => {
    const q = new URLSearchParams({ range });
    if (scope) {
      q.set('topic', scope.topic);
      if (!topicOnly) q.set('partition', String(scope.partition));
    }
    try {
      const res = await fetch(`${base}/metrics?${q}`);
      if (!res.ok) throw new Error(`metrics request failed (${res.status})`);
      setMetrics((await res.json()) as FlowMetrics);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [base, range, scope, topicOnly]);

  useEffect(() => {
    if (skipFirstLoad.current) skipFirstLoad.current = false;
    else load();
    const every = range === '15m' || range === '1h' ? 5000 : 30_000;
    const t = setInterval(load, every);
    return () => clearInterval(t);
  }, [load, range]);

  const s = metrics?.series;
  const from = metrics?.from ?? Date.now() - 900_000;
  const to = metrics?.to ?? Date.now();
  const line = (
    label: string,
    points: [number, number][] | undefined,
    i: number,
    extra: Partial<ChartLine> = {},
  ) => ({
    label,
    points: points ?? [],
    color: COLORS[i % COLORS.length]!,
    ...extra,
  });
  const groups = Object.entries(metrics?.groups ?? {});
  const scopeText = scope
    ? topicOnly
      ? `topic ${scope.topic}`
      : `partition ${scope.topic}-${scope.partition}`
    : 'the whole flow';

  return (
    <>
      <Card>
        <CardHeader className="flex-row flex-wrap items-center justify-between gap-3">
          <div>
            <CardTitle>Replication charts</CardTitle>
            <CardDescription data-testid="chart-scope">
              Showing {scopeText}
              {metrics
                ? ` · ${metrics.resolution === 'raw' ? '5 s samples' : `per ${metrics.resolution === '1m' ? 'minute' : 'hour'}`}`
                : ''}
              {scope ? (
                <>
                  {' · '}
                  <button
                    type="button"
                    className="text-primary underline"
                    onClick={() => setTopicOnly((v) => !v)}
                  >
                    {topicOnly ? `only partition ${scope.partition}` : `all of ${scope.topic}`}
                  </button>
                </>
              ) : null}
            </CardDescription>
          </div>
          <fieldset className="flex rounded-md border border-input p-0.5" aria-label="Range">
            {METRIC_RANGES.map((r) => (
              <button
                key={r}
                type="button"
                aria-pressed={range === r}
                title={RANGE_LABEL[r]}
                onClick={() => setRange(r)}
                className={cn(
                  'rounded px-2.5 py-1 text-xs font-medium',
                  range === r ? 'bg-primary text-primary-foreground' : 'hover:bg-muted',
                )}
              >
                {r}
              </button>
            ))}
          </fieldset>
        </CardHeader>
        <CardContent className="grid gap-6 lg:grid-cols-2">
          {error ? <p className="text-sm text-destructive lg:col-span-2">{error}</p> : null}
          <TimeChart
            id="lag"
            title="Replication lag"
            from={from}
            to={to}
            lines={[
              line('Records', s?.lagRecords, 0),
              line(
                'Time',
                s?.lagSeconds?.map(([t, v]) => [t, v * 1000]),
                1,
                { scale: 'y2' },
              ),
            ]}
            format={(v) => formatCount(v)}
            format2={(v) => formatDuration(v)}
          />
          <TimeChart
            id="throughput"
            title="Throughput"
            from={from}
            to={to}
            lines={[
              line('Records/s', s?.recordsPerSecond, 2),
              line('Bytes/s', s?.bytesPerSecond, 4, { scale: 'y2' }),
            ]}
            format={(v) => formatCount(v, '/s')}
            format2={(v) => formatBytes(v, '/s')}
          />
          <TimeChart
            id="record-age"
            title="Record age when fetched (avg, max as band)"
            from={from}
            to={to}
            lines={[line('Max', s?.recordAgeMsMax, 5, { faint: true }), line('Avg', s?.recordAgeMsAvg, 0)]}
            band={[0, 1]}
            format={(v) => formatDuration(v)}
          />
          <TimeChart
            id="latency"
            title="Replication latency (avg, max as band)"
            from={from}
            to={to}
            lines={[
              line('Max', s?.replicationLatencyMsMax, 3, { faint: true }),
              line('Avg', s?.replicationLatencyMsAvg, 1),
            ]}
            band={[0, 1]}
            format={(v) => formatDuration(v)}
          />
          <div className="lg:col-span-2">
            <TimeChart
              id="checkpoint-latency"
              title="Checkpoint latency per consumer group"
              from={from}
              to={to}
              lines={groups.map(([g, v], i) => line(g, v.checkpointLatencyMsAvg, i))}
              format={(v) => formatDuration(v)}
            />
            {groups.length === 0 ? (
              <p className="mt-1 text-xs text-muted-foreground">
                No consumer group has committed on the source in this range (or checkpoints are off).
              </p>
            ) : null}
          </div>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Replication by partition</CardTitle>
          <CardDescription>Click a partition to chart it alone.</CardDescription>
        </CardHeader>
        <CardContent>
          {/* Its own boundary: on a full page load React hydrates the charts and commits them (so they draw)
              before it hydrates the grid, whose server-rendered rows are already on screen. */}
          <Suspense>
            <PartitionGrid
              base={base}
              initial={initial?.partitions ?? undefined}
              selected={scope}
              onSelect={(p) => {
                setScope(p);
                setTopicOnly(false);
              }}
            />
          </Suspense>
        </CardContent>
      </Card>
    </>
  );
}

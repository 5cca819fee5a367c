'use client';
import type { PartitionPage, PartitionPageRow } from '@ferry/db';
import {
  createColumnHelper,
  flexRender,
  rowSortingFeature,
  type SortingState,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp } from 'lucide-react';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { formatBytes, formatDuration, formatExact } from '@/lib/format.ts';
import {
  DEFAULT_QUERY,
  type GridQuery,
  PAGE_SIZE,
  pageQuery,
  pagesInView,
  pagesToEvict,
  queryKey,
} from '@/lib/partition-window.ts';
import { cn } from '@/lib/utils.ts';

const ROW_HEIGHT = 33;
const REFRESH_MS = 10_000;
const STATES = ['caught up', 'lagging', 'stale'];

const num =
  (digits = 0) =>
  (v: unknown) =>
    formatExact(v as number | null, digits);
const dur = (v: unknown) => formatDuration(v as number | null);

// Sorting and filtering happen on the server (the API pages the rows); the table keeps the sort state and
// renders headers and cells.
const features = tableFeatures({ rowSortingFeature });
const col = createColumnHelper<typeof features, PartitionPageRow>();

const COLUMNS = col.columns([
  col.accessor('topic', {
    header: 'Topic',
    sortDescFirst: false,
    cell: (c) => <span className="font-mono text-xs">{c.getValue()}</span>,
  }),
  col.accessor('partition', { header: 'Partition', sortDescFirst: false }),
  col.accessor('sourceEndOffset', { header: 'Source end', cell: (c) => num()(c.getValue()) }),
  col.accessor('replicatedOffset', { header: 'Replicated', cell: (c) => num()(c.getValue()) }),
  col.accessor('lagRecords', { header: 'Lag (records)', cell: (c) => num()(c.getValue()) }),
  col.accessor('lagMs', { header: 'Lag (time)', cell: (c) => dur(c.getValue()) }),
  col.accessor('recordAgeMsAvg', { header: 'Record age', cell: (c) => dur(c.getValue()) }),
  col.accessor('replicationLatencyMsAvg', { header: 'Replication latency', cell: (c) => dur(c.getValue()) }),
  col.accessor('recordsPerSec', { header: 'Records/s', cell: (c) => num(1)(c.getValue()) }),
  col.accessor('bytesPerSec', { header: 'Bytes/s', cell: (c) => formatBytes(c.getValue(), '/s') }),
  col.accessor('state', { header: 'State', sortDescFirst: false }),
  col.accessor('taskIndex', { header: 'Task', sortDescFirst: false, cell: (c) => c.getValue() ?? '—' }),
  col.accessor('workerId', {
    header: 'Worker',
    sortDescFirst: false,
    cell: (c) => <span className="font-mono text-xs">{c.getValue() ?? '—'}</span>,
  }),
  col.accessor('updatedAt', {
    header: 'Updated',
    cell: (c) => <span className="text-xs">{c.getValue().slice(11, 19)}</span>,
  }),
]);

const noSubscription = () => () => {};

interface Counts {
  total: number;
  partitions: number;
  topics: string[];
}

/**
 * Pages of the grid's rows, fetched as the visible range (setView: the pages in view) needs them: a small cache of PAGE_SIZE-row pages
 * per sort/filter (cleared when either changes), the pages in view refreshed every REFRESH_MS. `initial` is
 * the default query's first page as the server rendered it (a full page load): the cache starts with it.
 */
function usePartitionPages(base: string, q: GridQuery, initial: PartitionPage | undefined) {
  const key = queryKey(q);
  const first =
    initial && initial.offset === 0 && initial.limit === PAGE_SIZE && key === queryKey(DEFAULT_QUERY)
      ? initial
      : undefined;
  const [firstCache] = useState(() => new Map<number, PartitionPageRow[]>(first ? [[0, first.items]] : []));
  const cache = useRef(firstCache);
  const inflight = useRef(new Set<number>());
  const keyRef = useRef(key);
  const [view, setView] = useState('0');
  const [counts, setCounts] = useState<Counts | null>(
    first ? { total: first.total, partitions: first.partitions, topics: first.topics } : null,
  );
  const [error, setError] = useState<string | null>(null);
  const [, setVersion] = useState(0);

  if (keyRef.current !== key) {
    keyRef.current = key;
    cache.current = new Map();
    inflight.current = new Set();
  }

  const load = useCallback(
    async (page: number, forKey: string, query: GridQuery) => {
      const pending = inflight.current;
      if (pending.has(page)) return;
      pending.add(page);
      try {
        const res = await fetch(`${base}/partitions?${pageQuery(query, page)}`);
        if (!res.ok) throw new Error(`partitions request failed (${res.status})`);
        const body = (await res.json()) as PartitionPage;
        if (keyRef.current !== forKey) return; // the sort or filter changed meanwhile
        cache.current.set(page, body.items);
        setCounts({ total: body.total, partitions: body.partitions, topics: body.topics });
        setError(null);
        setVersion((v) => v + 1);
      } catch (e) {
        if (keyRef.current === forKey) setError((e as Error).message);
      } finally {
        pending.delete(page);
      }
    },
    [base],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: q changes exactly when key does
  useEffect(() => {
    const pages = view ? view.split(',').map(Number) : [];
    const missing = pages.filter((p) => !cache.current.has(p));
    if (missing.length === 0) return;
    // Nothing shown yet (a sort, a filter, a client-side navigation): no reason to wait.
    if (cache.current.size === 0) {
      for (const p of missing) load(p, key, q);
      return;
    }
    // Wait for the scrolling to pause briefly, so a fast fling does not fetch every page it passes.
    const t = setTimeout(() => {
      for (const p of missing) load(p, key, q);
      for (const p of pagesToEvict([...cache.current.keys()], pages)) cache.current.delete(p);
    }, 40);
    return () => clearTimeout(t);
  }, [view, key, load]);

  // Live: the pages in view are fetched again every REFRESH_MS.
  // biome-ignore lint/correctness/useExhaustiveDependencies: as above
  useEffect(() => {
    const t = setInterval(() => {
      for (const p of view ? view.split(',').map(Number) : []) load(p, key, q);
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, [view, key, load]);

  const row = (i: number): PartitionPageRow | undefined =>
    cache.current.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];
  return { counts, error, row, setView };
}

/**
 * The per-partition table as a data grid (TanStack Table + TanStack Virtual): sortable by every column,
 * filterable by topic and state, only the visible rows in the DOM and only their pages fetched (sorted and
 * filtered by the API), so 10,000 partitions scroll smoothly. Clicking a row selects that partition for
 * the charts.
 */
export function PartitionGrid({
  base,
  initial,
  selected,
  onSelect,
}: {
  /** …/api/v1/teams/{teamId}/flows/{flowId} */
  base: string;
  /** The first page of the default query, rendered by the server (a full page load). */
  initial?: PartitionPage | undefined;
  selected: { topic: string; partition: number } | null;
  onSelect: (p: { topic: string; partition: number } | null) => void;
}) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [topic, setTopic] = useState<string>(DEFAULT_QUERY.topic);
  const [state, setState] = useState<string>(DEFAULT_QUERY.state);
  const q: GridQuery = useMemo(
    () => ({
      sort: sorting[0]?.id ?? DEFAULT_QUERY.sort,
      dir: sorting[0]?.desc ? 'desc' : DEFAULT_QUERY.dir,
      topic,
      state,
    }),
    [sorting, topic, state],
  );
  const scroller = useRef<HTMLDivElement>(null);
  // The server renders the first page into the HTML: until React has hydrated the grid, a choice in the
  // filters would be lost (no handler yet), so they stay disabled until then.
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const { counts, error, row, setView } = usePartitionPages(base, q, initial);
  const total = counts?.total ?? 0;
  const virtual = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 1000, height: 480 },
  });
  const items = virtual.getVirtualItems();
  const viewKey = pagesInView(items[0]?.index ?? 0, items[items.length - 1]?.index ?? 0, total).join(',');
  useEffect(() => setView(viewKey), [viewKey, setView]);
  const loaded = items.map((v) => row(v.index)).filter((r): r is PartitionPageRow => r !== undefined);
  const table = useTable({
    features,
    data: loaded,
    columns: COLUMNS,
    state: { sorting },
    onSortingChange: setSorting,
    manualSorting: true,
    enableMultiSort: false,
    getRowId: (r) => `${r.topic}/${r.partition}`,
  });
  const byId = new Map(table.getRowModel().rows.map((r) => [r.id, r]));
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtual.getTotalSize() - items[items.length - 1]!.end : 0;
  const key = queryKey(q);
  // A new sort or filter starts at the top.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the query changes
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [key]);

  if (counts && counts.partitions === 0)
    return (
      <p className="text-sm text-muted-foreground">
        No metrics yet: they appear a few seconds after a worker starts replicating this flow.
      </p>
    );
  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-end gap-3 text-sm">
        <label className="grid gap-1">
          <span className="text-muted-foreground">Topic</span>
          <select
            aria-label="Filter by topic"
            disabled={!hydrated}
            className="h-8 rounded-md border border-input bg-background px-2"
            value={topic}
            onChange={(e) => setTopic(e.target.value)}
          >
            <option value="">all topics</option>
            {(counts?.topics ?? []).map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="grid gap-1">
          <span className="text-muted-foreground">State</span>
          <select
            aria-label="Filter by state"
            disabled={!hydrated}
            className="h-8 rounded-md border border-input bg-background px-2"
            value={state}
            onChange={(e) => setState(e.target.value)}
          >
            <option value="">all states</option>
            {STATES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <span className="text-muted-foreground" data-testid="partition-count">
          {counts
            ? `${formatExact(counts.total)} of ${formatExact(counts.partitions)} partitions`
            : 'Loading partitions…'}
        </span>
        {selected ? (
          <button type="button" className="text-primary underline" onClick={() => onSelect(null)}>
            Show the whole flow in the charts
          </button>
        ) : null}
        {error ? <span className="text-destructive">{error}</span> : null}
      </div>
      <div ref={scroller} className="max-h-[480px] overflow-auto rounded-md border border-border">
        <table data-testid="partition-metrics" className="w-full border-collapse text-sm">
          <thead className="sticky top-0 z-10 bg-card">
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const dir = h.column.getIsSorted();
                  return (
                    <th
                      key={h.id}
                      aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                      className="whitespace-nowrap border-b border-border px-2 py-2 text-left font-medium text-muted-foreground"
                    >
                      <button
                        type="button"
                        className="inline-flex items-center gap-1"
                        onClick={h.column.getToggleSortingHandler()}
                      >
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        {dir === 'asc' ? <ArrowUp className="h-3 w-3" aria-hidden /> : null}
                        {dir === 'desc' ? <ArrowDown className="h-3 w-3" aria-hidden /> : null}
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {padTop > 0 ? (
              <tr aria-hidden style={{ height: padTop }}>
                <td colSpan={COLUMNS.length} />
              </tr>
            ) : null}
            {items.map((v) => {
              const r = row(v.index);
              const tr = r ? byId.get(`${r.topic}/${r.partition}`) : undefined;
              if (!r || !tr)
                return (
                  <tr key={`loading-${v.index}`} aria-hidden data-loading style={{ height: ROW_HEIGHT }}>
                    <td colSpan={COLUMNS.length} className="px-2 py-1 text-xs text-muted-foreground">
                      …
                    </td>
                  </tr>
                );
              const isSel =
                selected !== null && selected.topic === r.topic && selected.partition === r.partition;
              return (
                <tr
                  key={tr.id}
                  data-row
                  style={{ height: ROW_HEIGHT }}
                  aria-selected={isSel}
                  className={cn(
                    'cursor-pointer border-b border-border/60 hover:bg-muted',
                    isSel && 'bg-primary/10',
                  )}
                  onClick={() => onSelect(isSel ? null : { topic: r.topic, partition: r.partition })}
                >
                  {tr.getAllCells().map((c) => (
                    <td key={c.id} className="whitespace-nowrap px-2 py-1">
                      {flexRender(c.column.columnDef.cell, c.getContext())}
                    </td>
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 ? (
              <tr aria-hidden style={{ height: padBottom }}>
                <td colSpan={COLUMNS.length} />
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </div>
  );
}

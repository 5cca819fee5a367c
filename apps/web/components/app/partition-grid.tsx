'use client';
import {
  type ColumnFiltersState,
  columnFilteringFeature,
  createColumnHelper,
  createFilteredRowModel,
  createSortedRowModel,
  filterFn_equalsString,
  flexRender,
  rowSortingFeature,
  type SortingState,
  sortFn_alphanumeric,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp } from 'lucide-react';
import { useMemo, useRef, useState } from 'react';
import { formatBytes, formatDuration, formatExact } from '@/lib/format.ts';
import type { PartitionRow } from '@/lib/partition-rows.ts';
import { cn } from '@/lib/utils.ts';

const ROW_HEIGHT = 33;

const num =
  (digits = 0) =>
  (v: unknown) =>
    formatExact(v as number | null, digits);
const dur = (v: unknown) => formatDuration(v as number | null);

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, text: sortFn_text, basic: sortFn_basic },
  columnFilteringFeature,
  filteredRowModel: createFilteredRowModel(),
  filterFns: { equalsString: filterFn_equalsString },
});
const col = createColumnHelper<typeof features, PartitionRow>();
const numeric = { sortUndefined: 'last' as const, sortFn: 'basic' as const };

const COLUMNS = col.columns([
  col.accessor('topic', { header: 'Topic', filterFn: 'equalsString', sortFn: 'text' }),
  col.accessor('partition', { header: 'Partition', ...numeric }),
  col.accessor('sourceEndOffset', { header: 'Source end', cell: (c) => num()(c.getValue()), ...numeric }),
  col.accessor('replicatedOffset', { header: 'Replicated', cell: (c) => num()(c.getValue()), ...numeric }),
  col.accessor('lagRecords', { header: 'Lag (records)', cell: (c) => num()(c.getValue()), ...numeric }),
  col.accessor('lagMs', { header: 'Lag (time)', cell: (c) => dur(c.getValue()), ...numeric }),
  col.accessor('recordAgeMsAvg', { header: 'Record age', cell: (c) => dur(c.getValue()), ...numeric }),
  col.accessor('replicationLatencyMsAvg', {
    header: 'Replication latency',
    cell: (c) => dur(c.getValue()),
    ...numeric,
  }),
  col.accessor('recordsPerSec', { header: 'Records/s', cell: (c) => num(1)(c.getValue()), ...numeric }),
  col.accessor('bytesPerSec', {
    header: 'Bytes/s',
    cell: (c) => formatBytes(c.getValue(), '/s'),
    ...numeric,
  }),
  col.accessor('state', { header: 'State', filterFn: 'equalsString', sortFn: 'text' }),
  col.accessor('taskIndex', { header: 'Task', cell: (c) => c.getValue() ?? '—', ...numeric }),
  col.accessor('workerId', {
    header: 'Worker',
    sortFn: 'text',
    cell: (c) => <span className="font-mono text-xs">{c.getValue() ?? '—'}</span>,
  }),
  col.accessor('updatedAt', {
    header: 'Updated',
    sortFn: 'text',
    cell: (c) => <span className="text-xs">{c.getValue().slice(11, 19)}</span>,
  }),
]);

/**
 * The per-partition table as a data grid (TanStack Table + TanStack Virtual): sortable by every column,
 * filterable by topic and state, only the visible rows in the DOM, so 10,000 partitions scroll smoothly.
 * Clicking a row selects that partition for the charts.
 */
export function PartitionGrid({
  rows,
  selected,
  onSelect,
}: {
  rows: PartitionRow[];
  selected: { topic: string; partition: number } | null;
  onSelect: (p: { topic: string; partition: number } | null) => void;
}) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [filters, setFilters] = useState<ColumnFiltersState>([]);
  const topics = useMemo(() => [...new Set(rows.map((r) => r.topic))].sort(), [rows]);
  const states = useMemo(() => [...new Set(rows.map((r) => r.state))].sort(), [rows]);
  const table = useTable({
    features,
    data: rows,
    columns: COLUMNS,
    state: { sorting, columnFilters: filters },
    onSortingChange: setSorting,
    onColumnFiltersChange: setFilters,
    getRowId: (r) => `${r.topic}/${r.partition}`,
  });
  const model = table.getRowModel().rows;
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: model.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 1000, height: 480 },
  });
  const items = virtual.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtual.getTotalSize() - items[items.length - 1]!.end : 0;
  const filterValue = (id: string) => (filters.find((f) => f.id === id)?.value as string | undefined) ?? '';
  const setFilter = (id: string, value: string) =>
    setFilters((fs) => [...fs.filter((f) => f.id !== id), ...(value ? [{ id, value }] : [])]);

  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-end gap-3 text-sm">
        <label className="grid gap-1">
          <span className="text-muted-foreground">Topic</span>
          <select
            aria-label="Filter by topic"
            className="h-8 rounded-md border border-input bg-background px-2"
            value={filterValue('topic')}
            onChange={(e) => setFilter('topic', e.target.value)}
          >
            <option value="">all topics</option>
            {topics.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="grid gap-1">
          <span className="text-muted-foreground">State</span>
          <select
            aria-label="Filter by state"
            className="h-8 rounded-md border border-input bg-background px-2"
            value={filterValue('state')}
            onChange={(e) => setFilter('state', e.target.value)}
          >
            <option value="">all states</option>
            {states.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <span className="text-muted-foreground" data-testid="partition-count">
          {formatExact(model.length)} of {formatExact(rows.length)} partitions
        </span>
        {selected ? (
          <button type="button" className="text-primary underline" onClick={() => onSelect(null)}>
            Show the whole flow in the charts
          </button>
        ) : null}
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
              const row = model[v.index]!;
              const r = row.original;
              const isSel =
                selected !== null && selected.topic === r.topic && selected.partition === r.partition;
              return (
                <tr
                  key={row.id}
                  style={{ height: ROW_HEIGHT }}
                  aria-selected={isSel}
                  className={cn(
                    'cursor-pointer border-b border-border/60 hover:bg-muted',
                    isSel && 'bg-primary/10',
                  )}
                  onClick={() => onSelect(isSel ? null : { topic: r.topic, partition: r.partition })}
                >
                  {row.getAllCells().map((c) => (
                    <td key={c.id} className="whitespace-nowrap px-2 py-1">
                      {c.column.id === 'topic' ? (
                        <span className="font-mono text-xs">{r.topic}</span>
                      ) : (
                        flexRender(c.column.columnDef.cell, c.getContext())
                      )}
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

/**
 * The partition grid's paging (pure): which windows of rows the visible range needs, which cached windows
 * to drop, and the API query of a window. The grid fetches pages of PAGE_SIZE rows from
 * GET …/flows/{flowId}/partitions as the user scrolls and keeps a few around.
 */
export const PAGE_SIZE = 100;
/** Pages kept in the cache at most (the visible ones always stay). */
export const MAX_PAGES = 30;

export interface GridQuery {
  sort: string;
  dir: 'asc' | 'desc';
  topic: string;
  state: string;
}

/** The grid's query before anyone sorts or filters: the one whose first page a full page load renders. */
export const DEFAULT_QUERY = { sort: 'topic', dir: 'asc', topic: '', state: '' } as const satisfies GridQuery;

/** The pages covering rows first…last (inclusive), plus the next one when the view is in a page's last quarter. */
export function pagesInView(first: number, last: number, total: number, pageSize = PAGE_SIZE): number[] {
  if (total <= 0) return [0]; // nothing known yet: the first page tells the count
  if (last < first) return [];
  const lastRow = Math.min(last, total - 1);
  const from = Math.floor(Math.max(0, first) / pageSize);
  let to = Math.floor(lastRow / pageSize);
  if (lastRow % pageSize >= pageSize * 0.75 && (to + 1) * pageSize < total) to++;
  const out: number[] = [];
  for (let p = from; p <= to; p++) out.push(p);
  return out;
}

/** Cached pages to drop so at most `max` stay: never a page in view, the farthest from the view first. */
export function pagesToEvict(cached: number[], inView: number[], max = MAX_PAGES): number[] {
  if (cached.length <= max || inView.length === 0) return [];
  const keep = new Set(inView);
  const lo = Math.min(...inView);
  const hi = Math.max(...inView);
  const distance = (p: number) => (p < lo ? lo - p : p > hi ? p - hi : 0);
  return cached
    .filter((p) => !keep.has(p))
    .sort((a, b) => distance(b) - distance(a) || b - a)
    .slice(0, cached.length - max);
}

/** The query string of one page. */
export function pageQuery(q: GridQuery, page: number, pageSize = PAGE_SIZE): string {
  const s = new URLSearchParams({
    sort: q.sort,
    dir: q.dir,
    offset: String(page * pageSize),
    limit: String(pageSize),
  });
  if (q.topic) s.set('topic', q.topic);
  if (q.state) s.set('state', q.state);
  return s.toString();
}

/** A key that changes whenever the rows' order or selection does (the cache starts over). */
export const queryKey = (q: GridQuery) => `${q.sort}|${q.dir}|${q.topic}|${q.state}`;

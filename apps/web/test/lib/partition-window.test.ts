import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUERY,
  PAGE_SIZE,
  pageQuery,
  pagesInView,
  pagesToEvict,
  queryKey,
} from '@/lib/partition-window.ts';

describe('pagesInView', () => {
  it.each([
    // first, last, total, pageSize → pages
    [0, 0, 0, 100, [0]], // nothing known yet: fetch the first page
    [0, 27, 10_000, 100, [0]],
    [60, 87, 10_000, 100, [0, 1]], // in the page's last quarter: prefetch the next
    [90, 117, 10_000, 100, [0, 1]],
    [5000, 5027, 10_000, 100, [50]],
    [9972, 9999, 10_000, 100, [99]], // no page after the last
    [9972, 10_050, 10_000, 100, [99]], // past the end: clamped
    [0, 3, 4, 100, [0]],
    [10, 5, 100, 100, []],
  ])('rows %i–%i of %i (pages of %i) → %j', (first, last, total, size, pages) => {
    expect(pagesInView(first, last, total, size)).toEqual(pages);
  });
});

describe('pagesToEvict', () => {
  it.each([
    // cached, in view, max → evicted
    [[0, 1, 2], [1], 5, []],
    [[0, 1, 2, 3, 4, 5], [2, 3], 4, [5, 0]], // farthest first: 0 and 5 are both 2 away (higher first)
    [[0, 1, 2, 3, 4, 5, 9], [2], 4, [9, 5, 4]],
    [[7, 8], [7, 8], 1, []], // pages in view always stay
    [[0, 1, 2], [], 1, []],
  ])('cached %j, in view %j, max %i → drop %j', (cached, inView, max, dropped) => {
    expect(pagesToEvict(cached, inView, max)).toEqual(dropped);
  });
});

describe('pageQuery and queryKey', () => {
  it('asks for one page with the sort and only the filters set', () => {
    const q = { sort: 'lagRecords', dir: 'desc' as const, topic: '', state: 'lagging' };
    expect(Object.fromEntries(new URLSearchParams(pageQuery(q, 3, 100)))).toEqual({
      sort: 'lagRecords',
      dir: 'desc',
      offset: '300',
      limit: '100',
      state: 'lagging',
    });
    expect(queryKey(q)).not.toBe(queryKey({ ...q, topic: 'orders' }));
    expect(queryKey(q)).toBe(queryKey({ ...q }));
  });

  it("the default query's first page is the one the flow page renders on the server (topic order, no filter)", () => {
    // The server asks pageFlowPartitions for { sort, dir, offset: 0, limit: PAGE_SIZE } of DEFAULT_QUERY;
    // the grid starts its cache with it only under this key, and would fetch exactly this otherwise.
    expect(Object.fromEntries(new URLSearchParams(pageQuery(DEFAULT_QUERY, 0)))).toEqual({
      sort: 'topic',
      dir: 'asc',
      offset: '0',
      limit: String(PAGE_SIZE),
    });
    expect(queryKey(DEFAULT_QUERY)).not.toBe(queryKey({ ...DEFAULT_QUERY, dir: 'desc' }));
  });
});

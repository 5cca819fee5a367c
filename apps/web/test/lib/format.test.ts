import { describe, expect, it } from 'vitest';
import { alignSeries, seriesSummary } from '@/lib/chart-data.ts';
import { formatBytes, formatCount, formatDuration, formatExact } from '@/lib/format.ts';

describe('formatDuration', () => {
  it.each([
    [null, '—'],
    [0, '0 ms'],
    [0.25, '0.25 ms'],
    [4.56, '4.6 ms'],
    [850, '850 ms'],
    [1234, '1.23 s'],
    [42_500, '42.5 s'],
    [90_000, '1.5 min'],
    [5_400_000, '1.5 h'],
    [3 * 86400_000, '3 d'],
  ])('%s → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1500, '1.5 KB'],
    [2_345_678, '2.35 MB'],
    [12_345_678, '12.3 MB'],
    [7e9, '7 GB'],
  ])('%s → %s', (b, text) => expect(formatBytes(b)).toBe(text));
  it('takes a suffix', () => expect(formatBytes(1500, '/s')).toBe('1.5 KB/s'));
});

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [2.345, '2.35'],
    [42.25, '42.3'],
    [999, '999'],
    [1234, '1.23k'],
    [25_000, '25k'],
    [3_400_000, '3.4M'],
  ])('%s → %s', (n, text) => expect(formatCount(n)).toBe(text));
  it('exact numbers keep every digit', () => expect(formatExact(1234567)).toBe('1,234,567'));
});

describe('alignSeries', () => {
  it('merges timestamps and leaves gaps as null', () => {
    expect(
      alignSeries([
        [
          [1000, 1],
          [3000, 3],
        ],
        [[2000, 20]],
      ]),
    ).toEqual([
      [1, 2, 3],
      [1, null, 3],
      [null, 20, null],
    ]);
  });
  it('summarises a series', () => {
    expect(seriesSummary([])).toEqual({ points: 0, last: null, max: null });
    expect(
      seriesSummary([
        [1, 5],
        [2, 9],
        [3, 0],
      ]),
    ).toEqual({ points: 3, last: 0, max: 9 });
  });
});

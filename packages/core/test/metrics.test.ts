import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as browserRanges from '../src/metric-ranges.ts';
import {
  BUCKET_MS,
  METRIC_RANGES,
  type MetricRange,
  type MetricScope,
  metricsQuerySchema,
  RANGE_MS,
  RETENTION,
  type Resolution,
  resolutionFor,
} from '../src/metrics.ts';

const cases: [MetricRange, MetricScope, Resolution][] = [
  ['15m', 'flow', 'raw'],
  ['1h', 'flow', 'raw'],
  ['6h', 'flow', '1m'],
  ['24h', 'flow', '1m'],
  ['7d', 'flow', '1h'],
  ['15m', 'topic', '1m'],
  ['1h', 'topic', '1m'],
  ['6h', 'topic', '1m'],
  ['24h', 'topic', '1h'],
  ['7d', 'topic', '1h'],
  ['15m', 'partition', '1m'],
  ['6h', 'partition', '1m'],
  ['24h', 'partition', '1h'],
  ['7d', 'partition', '1h'],
];

describe('resolutionFor', () => {
  it.each(cases)('%s of a %s reads %s', (range, scope, res) => expect(resolutionFor(range, scope)).toBe(res));

  it.each(
    METRIC_RANGES.flatMap((r) => (['flow', 'topic', 'partition'] as const).map((s) => [r, s] as const)),
  )(
    '%s of a %s: the resolution is kept for the whole range and gives at most 1,500 points',
    (range, scope) => {
      const res = resolutionFor(range, scope);
      const kept = RETENTION[scope === 'flow' ? 'flow' : 'partition'][res];
      expect(kept).toBeGreaterThanOrEqual(RANGE_MS[range]);
      expect(RANGE_MS[range] / BUCKET_MS[res]).toBeLessThanOrEqual(1500);
    },
  );
});

describe('metricsQuerySchema', () => {
  it('defaults the range to 1h', () => expect(metricsQuerySchema.parse({}).range).toBe('1h'));
  it('reads the partition as a number', () =>
    expect(metricsQuerySchema.parse({ range: '7d', topic: 'a', partition: '3' })).toEqual({
      range: '7d',
      topic: 'a',
      partition: 3,
    }));
  it.each([
    [{ range: '2h' }, 'range'],
    [{ partition: '1' }, 'partition'],
    [{ topic: 'a', partition: '-1' }, 'partition'],
    [{ topic: 'a', partition: 'x' }, 'partition'],
  ])('refuses %o naming %s', (q, field) => {
    const r = metricsQuerySchema.safeParse(q);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual([field]);
  });
});

describe('metric-ranges (the browser range picker imports it)', () => {
  it('is the same list the API validates, from a module that imports nothing (no zod in the page)', () => {
    expect(browserRanges.METRIC_RANGES).toBe(METRIC_RANGES);
    expect(metricsQuerySchema.safeParse({ range: browserRanges.METRIC_RANGES.at(-1) }).success).toBe(true);
    const source = readFileSync(new URL('../src/metric-ranges.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*import\s/m);
  });
});

import { describe, expect, it } from 'vitest';
import { GOALS, meets, ratio, summarise } from '../../src/datapath/stats.ts';

describe('summarise', () => {
  it.each([
    { values: [3, 1, 2], want: { median: 2, min: 1, max: 3, n: 3 } },
    { values: [4, 1, 3, 2], want: { median: 2.5, min: 1, max: 4, n: 4 } },
    { values: [5], want: { median: 5, min: 5, max: 5, n: 1 } },
    {
      values: [undefined, 7, Number.NaN, 9, Number.POSITIVE_INFINITY],
      want: { median: 8, min: 7, max: 9, n: 2 },
    },
  ])('$values', ({ values, want }) => {
    expect(summarise(values)).toEqual(want);
  });

  it('is undefined without a finite value', () => {
    expect(summarise([])).toBeUndefined();
    expect(summarise([undefined, Number.NaN])).toBeUndefined();
  });
});

describe('ratio and goals', () => {
  const s = (median: number) => ({ median, min: median, max: median, n: 1 });
  it('divides medians, undefined when a side is missing or zero', () => {
    expect(ratio(s(30), s(10))).toBe(3);
    expect(ratio(s(1), undefined)).toBeUndefined();
    expect(ratio(s(1), s(0))).toBeUndefined();
  });
  it.each([
    { goal: GOALS.throughputVsMm2, r: 3, met: true },
    { goal: GOALS.throughputVsMm2, r: 2.99, met: false },
    { goal: GOALS.throughputVsRaw, r: 0.7, met: true },
    { goal: GOALS.cpuVsMm2, r: 0.3, met: true },
    { goal: GOALS.cpuVsMm2, r: 0.31, met: false },
    { goal: GOALS.p99VsMm2, r: 0.2, met: true },
    { goal: GOALS.p99VsMm2, r: undefined, met: undefined },
  ])('$goal.name at $r: $met', ({ goal, r, met }) => {
    expect(meets(goal, r)).toBe(met);
  });
});

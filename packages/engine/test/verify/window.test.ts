import { describe, expect, it } from 'vitest';
import type { ExactSync } from '../../src/offset-syncs/sync-record.ts';
import { planWindow, SyncWindow } from '../../src/verify/window.ts';

/** A sync: target base offset and runs [start, length]. */
const sync = (base: number, runs: Array<[number, number]>): ExactSync => ({
  sourceTopic: 't',
  partition: 0,
  remoteTopic: 'east.t',
  targetBaseOffset: BigInt(base),
  fromSource: undefined,
  nextSource: BigInt(runs.at(-1)![0] + runs.at(-1)![1]),
  runs: runs.map(([start, length]) => ({ start: BigInt(start), length })),
});

const pairsOf = (p: ReturnType<typeof planWindow>) =>
  p.pairs.map((x) => [Number(x.sourceOffset), Number(x.targetOffset)]);

describe('planWindow', () => {
  const cases: Array<{
    name: string;
    syncs: ExactSync[];
    position: number;
    n: number;
    pairs: number[][];
    covered?: number[][];
  }> = [
    {
      name: 'the last n records before the position',
      syncs: [sync(0, [[0, 3]]), sync(4, [[3, 3]])], // a marker at target 3
      position: 6,
      n: 4,
      pairs: [
        [2, 2],
        [3, 4],
        [4, 5],
        [5, 6],
      ],
      covered: [
        [0, 3],
        [4, 7],
      ],
    },
    {
      name: 'records at or past the position are left out',
      syncs: [sync(0, [[0, 5]])],
      position: 3,
      n: 10,
      pairs: [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
      covered: [[0, 5]],
    },
    {
      name: 'runs with gaps (aborted source records) map to consecutive target offsets',
      syncs: [
        sync(10, [
          [0, 2],
          [5, 2],
        ]),
      ],
      position: 7,
      n: 3,
      pairs: [
        [1, 11],
        [5, 12],
        [6, 13],
      ],
    },
    {
      name: 'a source offset written twice (at-least-once retry) counts with its latest copy',
      syncs: [sync(0, [[0, 2]]), sync(2, [[1, 2]])],
      position: 3,
      n: 5,
      pairs: [
        [0, 0],
        [1, 2],
        [2, 3],
      ],
    },
    { name: 'no syncs', syncs: [], position: 5, n: 3, pairs: [] },
    {
      name: 'a long run entirely past the position',
      syncs: [sync(0, [[0, 2]]), sync(2, [[2, 1_000_000]])],
      position: 2,
      n: 3,
      pairs: [
        [0, 0],
        [1, 1],
      ],
    },
  ];
  it.each(cases)('$name', (c) => {
    const p = planWindow(c.syncs, BigInt(c.position), c.n);
    expect(pairsOf(p)).toEqual(c.pairs);
    if (c.covered) expect(p.covered.map((r) => [Number(r.start), Number(r.end)])).toEqual(c.covered);
    expect(p.sourceFrom).toBe(c.pairs[0] ? BigInt(c.pairs[0][0]!) : BigInt(c.position));
    const ends = c.syncs.map((s) => s.nextSource);
    expect(p.syncedUpTo).toBe(ends.sort((a, b) => Number(a - b)).at(-1));
  });
});

describe('SyncWindow', () => {
  it('keeps only the syncs the last n records need (bounded however many are added)', () => {
    const w = new SyncWindow(10_000n, 5);
    for (let i = 0; i < 10_000; i++) w.add(sync(i, [[i, 1]]));
    expect(w.enough()).toBe(true);
    expect(w.syncs().length).toBe(5);
    expect(pairsOf(planWindow(w.syncs(), 10_000n, 5))).toEqual([
      [9995, 9995],
      [9996, 9996],
      [9997, 9997],
      [9998, 9998],
      [9999, 9999],
    ]);
  });

  it('keeps syncs past the position (their target offsets are not extra) without counting them', () => {
    const w = new SyncWindow(3n, 2);
    w.add(sync(0, [[0, 3]]));
    w.add(sync(3, [[3, 100]]));
    w.add(sync(103, [[103, 100]]));
    expect(w.enough()).toBe(true);
    expect(w.syncs().length).toBe(3);
    expect(planWindow(w.syncs(), 3n, 2).covered.map((r) => [Number(r.start), Number(r.end)])).toEqual([
      [0, 203],
    ]);
  });

  it('says when it does not hold n records yet', () => {
    const w = new SyncWindow(100n, 50);
    w.add(sync(0, [[60, 20]]));
    expect(w.enough()).toBe(false);
  });
});

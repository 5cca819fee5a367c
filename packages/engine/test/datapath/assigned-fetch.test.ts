import { describe, expect, it } from 'vitest';
import { committedBatches, fetchWait } from '../../src/datapath/assigned-fetch.ts';
import type { BatchHeader, RawBatch } from '../../src/records/types.ts';

/** A batch header as the broker stores it: [base, last] offsets, producer, kind. Bytes are a stand-in. */
function b(base: number, last: number, pid: number, kind: 'plain' | 'txn' | 'control'): RawBatch {
  const header = {
    baseOffset: BigInt(base),
    lastOffsetDelta: last - base,
    producerId: BigInt(pid),
    isTransactional: kind !== 'plain',
    isControl: kind === 'control',
    magic: 2,
  } as BatchHeader;
  return { header, bytes: Buffer.alloc(10 + (last - base)) };
}
const A = (pid: number, first: number) => ({ producerId: BigInt(pid), firstOffset: BigInt(first) });
const offsets = (r: RawBatch[]) => r.map((x) => Number(x.header.baseOffset));

describe('committedBatches: what read_committed delivers, from batch headers only', () => {
  const cases: Array<{
    name: string;
    batches: RawBatch[];
    aborted: ReturnType<typeof A>[] | null;
    position: number;
    kept: number[];
    next: number;
  }> = [
    {
      name: 'plain batches are all kept',
      batches: [b(0, 4, -1, 'plain'), b(5, 9, -1, 'plain')],
      aborted: null,
      position: 0,
      kept: [0, 5],
      next: 10,
    },
    {
      name: 'a committed transaction is kept, its marker skipped but passed',
      batches: [b(0, 1, 7, 'txn'), b(2, 2, 7, 'control')],
      aborted: [],
      position: 0,
      kept: [0],
      next: 3,
    },
    {
      name: 'an aborted transaction is dropped up to its abort marker; another producer in between is kept',
      batches: [
        b(0, 1, 7, 'txn'),
        b(2, 3, 8, 'txn'),
        b(4, 5, 7, 'txn'),
        b(6, 6, 7, 'control'),
        b(7, 7, 8, 'control'),
      ],
      aborted: [A(7, 0)],
      position: 0,
      kept: [2],
      next: 8,
    },
    {
      name: 'the same producer commits before and after its aborted transaction',
      batches: [
        b(0, 1, 7, 'txn'),
        b(2, 2, 7, 'control'),
        b(3, 4, 7, 'txn'),
        b(5, 5, 7, 'control'),
        b(6, 7, 7, 'txn'),
        b(8, 8, 7, 'control'),
      ],
      aborted: [A(7, 3)],
      position: 0,
      kept: [0, 6],
      next: 9,
    },
    {
      name: 'an aborted transaction that began before the position still drops its batches',
      batches: [b(10, 11, 7, 'txn'), b(12, 13, 9, 'txn'), b(14, 14, 7, 'control')],
      aborted: [A(7, 4)],
      position: 10,
      kept: [12],
      next: 15,
    },
    {
      name: 'an unsorted aborted list works the same',
      batches: [
        b(0, 0, 1, 'txn'),
        b(1, 1, 2, 'txn'),
        b(2, 2, 2, 'control'),
        b(3, 3, 1, 'control'),
        b(4, 4, 3, 'txn'),
      ],
      aborted: [A(2, 1), A(1, 0)],
      position: 0,
      kept: [4],
      next: 5,
    },
    {
      name: 'batches wholly below the position are skipped; one containing it is kept',
      batches: [b(0, 4, -1, 'plain'), b(5, 9, -1, 'plain')],
      aborted: null,
      position: 7,
      kept: [5],
      next: 10,
    },
    {
      name: 'only control batches: nothing delivered, the position still moves past them (lag can reach 0)',
      batches: [b(20, 20, 7, 'control'), b(21, 21, 8, 'control')],
      aborted: [],
      position: 20,
      kept: [],
      next: 22,
    },
    {
      name: 'nothing at all: the position stays',
      batches: [],
      aborted: null,
      position: 42,
      kept: [],
      next: 42,
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const r = committedBatches(c.batches, c.aborted, BigInt(c.position));
      expect(offsets(r.batches)).toEqual(c.kept);
      expect(r.next).toBe(BigInt(c.next));
      expect(r.bytes).toBe(r.batches.reduce((n, x) => n + x.bytes.length, 0));
    });
});

describe('fetchWait: what a fetch asks the broker to wait for', () => {
  const o = { maxWaitMs: 500, lingerMs: 10, lingerMinBytes: 1 << 20 };
  it.each([
    {
      name: 'first fetch / after an empty answer: the first byte, up to max wait',
      had: false,
      opts: o,
      want: { minBytes: 1, maxWaitMs: 500 },
    },
    {
      name: 'after records: the linger min bytes, up to the linger',
      had: true,
      opts: o,
      want: { minBytes: 1 << 20, maxWaitMs: 10 },
    },
    {
      name: 'linger 0: always the first byte',
      had: true,
      opts: { ...o, lingerMs: 0 },
      want: { minBytes: 1, maxWaitMs: 500 },
    },
    {
      name: 'a linger above max wait waits max wait',
      had: true,
      opts: { ...o, lingerMs: 900 },
      want: { minBytes: 1 << 20, maxWaitMs: 500 },
    },
    {
      name: 'min bytes never below 1',
      had: true,
      opts: { ...o, lingerMinBytes: 0 },
      want: { minBytes: 1, maxWaitMs: 10 },
    },
  ])('$name', ({ had, opts, want }) => {
    expect(fetchWait(had, opts)).toEqual(want);
  });
});

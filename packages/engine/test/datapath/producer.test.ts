import { describe, expect, it } from 'vitest';
import { BATCH_OVERHEAD, chunkRounds, type OutRecord, recordSize } from '../../src/datapath/producer.ts';

const rec = (remoteTopic: string, partition: number, bytes: number, offset: number): OutRecord => ({
  remoteTopic,
  partition,
  bytes,
  record: { offset: BigInt(offset), key: null, value: Buffer.alloc(0), headers: [], timestampMs: 0 },
});
const shape = (rounds: OutRecord[][]) =>
  rounds.map((r) => r.map((x) => `${x.remoteTopic}-${x.partition}@${x.record.offset}`));

describe('chunkRounds', () => {
  it.each([
    [
      'all fits in one round',
      [rec('t', 0, 100, 0), rec('t', 1, 100, 1), rec('t', 0, 100, 2)],
      1000,
      [['t-0@0', 't-0@2', 't-1@1']],
    ],
    [
      'a partition over the limit is split across rounds, in order',
      [rec('t', 0, 400, 0), rec('t', 0, 400, 1), rec('t', 0, 400, 2), rec('t', 1, 10, 3)],
      1000,
      [['t-0@0', 't-0@1', 't-1@3'], ['t-0@2']],
    ],
    [
      'a single record bigger than the limit still goes alone',
      [rec('t', 0, 5000, 0), rec('t', 0, 10, 1)],
      1000,
      [['t-0@0'], ['t-0@1']],
    ],
    [
      'topics are chunked separately',
      [rec('a', 0, 600, 0), rec('b', 0, 600, 1), rec('a', 0, 600, 2)],
      1000,
      [['a-0@0', 'b-0@1'], ['a-0@2']],
    ],
  ])('%s', (_label, records, limit, want) => {
    expect(shape(chunkRounds(records, () => limit))).toEqual(want);
  });

  it('keeps each chunk under the limit including batch overhead', () => {
    const rs = Array.from({ length: 100 }, (_, i) => rec('t', i % 3, 97, i));
    for (const round of chunkRounds(rs, () => 1000)) {
      for (const p of [0, 1, 2])
        expect(
          round.filter((r) => r.partition === p).reduce((s, r) => s + r.bytes, BATCH_OVERHEAD),
        ).toBeLessThanOrEqual(1000);
    }
  });
});

describe('recordSize', () => {
  it('counts key, value and headers', () => {
    const r = {
      offset: 0n,
      key: Buffer.alloc(10),
      value: Buffer.alloc(100),
      headers: [['hh', Buffer.alloc(5)]] as Array<[string, Buffer | null]>,
      timestampMs: 0,
    };
    expect(recordSize(r)).toBe(24 + 10 + 100 + 8 + 2 + 5);
    expect(recordSize({ ...r, key: null, value: null, headers: [] })).toBe(24);
  });
});

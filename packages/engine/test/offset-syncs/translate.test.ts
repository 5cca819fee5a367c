import { describe, expect, it } from 'vitest';
import {
  decodeExactSync,
  type ExactSync,
  encodeExactSync,
  OffsetSyncEmitter,
  OffsetSyncStore,
  type TranslateContext,
  toRuns,
  translateExact,
} from '../../src/offset-syncs/index.ts';

function sync(
  targetBaseOffset: number,
  offsets: number[],
  fromSource?: number,
  nextSource?: number,
): ExactSync {
  return {
    sourceTopic: 't',
    partition: 0,
    remoteTopic: 'east.t',
    targetBaseOffset: BigInt(targetBaseOffset),
    fromSource: fromSource === undefined ? undefined : BigInt(fromSource),
    nextSource: BigInt(nextSource ?? offsets[offsets.length - 1]! + 1),
    runs: toRuns(offsets.map(BigInt)),
  };
}
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

// Source partition: 0..9 plain (one txn: target 0..9, marker 10), then compacted gap (10..14 gone) and
// 15..19 (target 11..15, marker 16), then an aborted txn 20..24 + its marker 25 and a commit marker, then a
// committed txn 26..29 + marker 30 (target 17..20, marker 21).
const history = [sync(0, range(0, 10), 0), sync(11, range(15, 20)), sync(17, range(26, 30))];

describe('translateExact', () => {
  it.each<{ S: number; want: number | string; ctx?: TranslateContext; syncs?: ExactSync[] }>([
    { S: 0, want: 0 },
    { S: 1, want: 1 },
    { S: 9, want: 9 },
    { S: 10, want: 11 /* gap start: next replicated record is source 15 */ },
    { S: 12, want: 11 },
    { S: 15, want: 11 },
    { S: 17, want: 13 },
    { S: 20, want: 17 /* aborted records and markers: next replicated is source 26 */ },
    { S: 25, want: 17 },
    { S: 26, want: 17 },
    { S: 29, want: 20 },
    { S: 30, want: 21 /* end of what was replicated */ },
    { S: 31, want: 'NOT_YET_REPLICATED' },
    {
      S: 31,
      want: 'NOT_YET_REPLICATED',
      ctx: { replicationPosition: 31n } /* positions may be visible before syncs */,
    },
    { S: 40, want: 'NOT_YET_REPLICATED', ctx: { replicationPosition: 35n } },
    // chunks of one transaction split in rounds, with a gap inside a chunk (compaction)
    { S: 3, want: 2, syncs: [sync(0, [0, 1, 4, 5, 6], 0), sync(5, [7, 9])] },
    { S: 8, want: 6, syncs: [sync(0, [0, 1, 4, 5, 6], 0), sync(5, [7, 9])] },
    { S: 10, want: 7, syncs: [sync(0, [0, 1, 4, 5, 6], 0), sync(5, [7, 9])] },
    // where replication began
    { S: 2, want: 'BEFORE_REPLICATION_START', syncs: [sync(100, range(5, 8), 4)] },
    { S: 4, want: 100, syncs: [sync(100, range(5, 8), 4)] },
    { S: 2, want: 'BEFORE_REPLICATION_START', syncs: [sync(100, range(5, 8))] },
    { S: 2, want: 100, syncs: [sync(100, range(5, 8))], ctx: { beganAtLogStart: true } },
    {
      S: 2,
      want: 'TRUNCATED_BEFORE_REPLICATION',
      syncs: [sync(100, range(5, 8))],
      ctx: { beganAtLogStart: true, sourceLogStart: 4n },
    },
    {
      S: 2,
      want: 'TRUNCATED_BEFORE_REPLICATION',
      syncs: [sync(100, range(5, 8))],
      ctx: { beganAtLogStart: true, sourceLogStart: 5n },
    },
    { S: 4, want: 100, syncs: [sync(100, range(5, 8))], ctx: { beganAtLogStart: true, sourceLogStart: 4n } },
    // replicated records stay translatable after the source deleted them
    { S: 6, want: 101, syncs: [sync(100, range(5, 8), 5)], ctx: { sourceLogStart: 1000n } },
    { S: 0, want: 'NOTHING_REPLICATED', syncs: [] },
  ])('S=$S → $want', ({ S, want, ctx, syncs }) => {
    const r = translateExact(syncs ?? history, BigInt(S), ctx);
    if (typeof want === 'number')
      expect(r).toEqual({ exact: true, upstreamOffset: BigInt(S), downstreamOffset: BigInt(want) });
    else {
      expect(r).toMatchObject({ exact: false, code: want, upstreamOffset: BigInt(S) });
      expect((r as { reason: string }).reason).toMatch(new RegExp(String(S)));
    }
  });
});

describe('exact sync records', () => {
  it.each([history[0]!, history[1]!, sync(5, [1, 2, 3, 7, 8, 100, 101], 0, 150)])('byte round-trip', (s) => {
    expect(decodeExactSync(encodeExactSync(s))).toEqual(s);
  });

  it.each([
    { offsets: [], runs: [] },
    { offsets: [3], runs: [{ start: 3n, length: 1 }] },
    {
      offsets: [0, 1, 2, 5, 6, 9],
      runs: [
        { start: 0n, length: 3 },
        { start: 5n, length: 2 },
        { start: 9n, length: 1 },
      ],
    },
  ])('toRuns($offsets)', ({ offsets, runs }) => {
    expect(toRuns(offsets.map(BigInt))).toEqual(runs);
  });

  it('rejects offsets that go backwards', () => {
    expect(() => toRuns([5n, 4n])).toThrow(expect.objectContaining({ code: 'OFFSETS_NOT_ASCENDING' }));
  });

  it('the emitter chains chunks of a partition and maps acks to base offsets', () => {
    const em = new OffsetSyncEmitter('east');
    expect(em.topic).toBe('ferry-offset-syncs.east.internal');
    const a = em.syncsFor(
      [
        { sourceTopic: 't', remoteTopic: 'east.t', partition: 0, sourceOffsets: [0n, 1n, 3n] },
        { sourceTopic: 't', remoteTopic: 'east.t', partition: 1, sourceOffsets: [7n] },
      ],
      [
        { topicName: 'east.t', partition: 1, baseOffset: '40' },
        { topicName: 'east.t', partition: 0, baseOffset: '12' },
      ],
    );
    expect(a.map((s) => [s.partition, s.targetBaseOffset, s.fromSource, s.nextSource])).toEqual([
      [0, 12n, undefined, 4n],
      [1, 40n, undefined, 8n],
    ]);
    const b = em.syncsFor(
      [{ sourceTopic: 't', remoteTopic: 'east.t', partition: 0, sourceOffsets: [6n] }],
      [{ topicName: 'east.t', partition: 0, baseOffset: '16' }],
    );
    expect(b[0]).toMatchObject({ fromSource: 4n, nextSource: 7n, targetBaseOffset: 16n });
    const msgs = em.messages(b);
    expect(msgs.topic).toBe('ferry-offset-syncs.east.internal');
    expect(decodeExactSync(msgs.messages[0]!)).toEqual(b[0]);
  });

  it('the store keeps target order whatever the arrival order, and replaces duplicates', () => {
    const store = new OffsetSyncStore();
    for (const s of [history[2]!, history[0]!, history[1]!, history[1]!]) store.add(s);
    expect(store.syncs('t', 0)).toEqual(history);
    expect(store.size).toBe(3);
    expect(store.remoteTopic('t')).toBe('east.t');
    expect(store.translate('t', 0, 12n)).toMatchObject({ exact: true, downstreamOffset: 11n });
  });
});

describe('the data-path hook', () => {
  it('forRound groups a produce round per remote partition, maps source topics through the policy and encodes the syncs', () => {
    const em = new OffsetSyncEmitter('east', (t) => t.slice('east.'.length));
    const rec = (remoteTopic: string, partition: number, offset: number) => ({
      remoteTopic,
      partition,
      record: { offset: BigInt(offset) },
    });
    const m = em.forRound(
      [rec('east.a', 0, 3), rec('east.b.c', 1, 10), rec('east.a', 0, 5), rec('east.b.c', 1, 11)],
      [
        { topicName: 'east.a', partition: 0, baseOffset: '100' },
        { topicName: 'east.b.c', partition: 1, baseOffset: '7' },
      ],
    )!;
    expect(m.topic).toBe('ferry-offset-syncs.east.internal');
    expect(m.messages.map((x) => decodeExactSync(x))).toEqual([
      {
        sourceTopic: 'a',
        partition: 0,
        remoteTopic: 'east.a',
        targetBaseOffset: 100n,
        fromSource: undefined,
        nextSource: 6n,
        runs: [
          { start: 3n, length: 1 },
          { start: 5n, length: 1 },
        ],
      },
      {
        sourceTopic: 'b.c',
        partition: 1,
        remoteTopic: 'east.b.c',
        targetBaseOffset: 7n,
        fromSource: undefined,
        nextSource: 12n,
        runs: [{ start: 10n, length: 2 }],
      },
    ]);
    expect(em.forRound([], [])).toBeUndefined();
  });

  it('refuses an acknowledgement without a base offset (no silent inexact sync)', () => {
    const em = new OffsetSyncEmitter('east');
    expect(() =>
      em.forRound(
        [{ remoteTopic: 'east.a', partition: 0, record: { offset: 1n } }],
        [{ topicName: 'east.a', partition: 0 }],
      ),
    ).toThrow(expect.objectContaining({ code: 'NO_BASE_OFFSET' }));
  });
});

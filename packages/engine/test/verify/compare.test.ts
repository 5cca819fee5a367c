import { describe, expect, it } from 'vitest';
import {
  asReplicated,
  compareDigests,
  digestRecord,
  type ExpectedPair,
  PartitionCheck,
  type RecordView,
  type TargetRange,
} from '../../src/verify/compare.ts';

const b = (s: string) => Buffer.from(s);
const rec = (o: Partial<RecordView> = {}): RecordView => ({
  key: b('k'),
  value: b('v'),
  headers: [
    ['h1', b('a')],
    ['h1', b('b')],
    ['trace', b('t')],
  ],
  timestampMs: 1_700_000_000_000,
  ...o,
});

describe('compareDigests', () => {
  const cases: Array<{
    name: string;
    source: RecordView;
    target: RecordView;
    field?: string;
    detail?: RegExp;
  }> = [
    { name: 'identical records', source: rec(), target: rec() },
    {
      name: 'headers of different keys in another order (what a client that regroups by key does)',
      source: rec(),
      target: rec({
        headers: [
          ['trace', b('t')],
          ['h1', b('a')],
          ['h1', b('b')],
        ],
      }),
      field: 'headers',
      detail: /the same keys in another order \(source h1, h1, trace; target trace, h1, h1\)/,
    },
    {
      name: 'interleaved keys a, b, a regrouped as a, a, b',
      source: rec({
        headers: [
          ['a', b('1')],
          ['b', b('2')],
          ['a', b('3')],
        ],
      }),
      target: rec({
        headers: [
          ['a', b('1')],
          ['a', b('3')],
          ['b', b('2')],
        ],
      }),
      field: 'headers',
      detail: /another order \(source a, b, a; target a, a, b\)/,
    },
    {
      name: 'a null header value in the same place on both sides',
      source: rec({
        headers: [
          ['x', null],
          ['y', b('1')],
        ],
      }),
      target: rec({
        headers: [
          ['x', null],
          ['y', b('1')],
        ],
      }),
    },
    {
      name: 'LogAppendTime vs CreateTime at the same time',
      source: rec({ timestampType: 'log-append' }),
      target: rec({ timestampType: 'create' }),
      field: 'timestamp',
      detail: /timestamp type differs: expected LogAppendTime, target has CreateTime/,
    },
    {
      name: 'a target record with LogAppendTime where CreateTime was expected',
      source: rec(),
      target: rec({ timestampType: 'log-append' }),
      field: 'timestamp',
      detail: /timestamp type differs: expected CreateTime, target has LogAppendTime/,
    },
    {
      name: 'values of one key in another order',
      source: rec(),
      target: rec({
        headers: [
          ['h1', b('b')],
          ['h1', b('a')],
          ['trace', b('t')],
        ],
      }),
      field: 'headers',
      detail: /same keys in the same order \(h1, h1, trace\), a value differs/,
    },
    {
      name: 'a header missing',
      source: rec(),
      target: rec({ headers: [['h1', b('a')]] }),
      field: 'headers',
      detail: /source has 3 \(h1, h1, trace\), target has 1 \(h1\)/,
    },
    {
      name: 'no headers on the target',
      source: rec(),
      target: rec({ headers: [] }),
      field: 'headers',
      detail: /target has none/,
    },
    {
      name: 'null header value vs empty header value',
      source: rec({ headers: [['x', null]] }),
      target: rec({ headers: [['x', b('')]] }),
      field: 'headers',
    },
    {
      name: 'null key vs empty key',
      source: rec({ key: null }),
      target: rec({ key: b('') }),
      field: 'key',
      detail: /source key is null, target key is 0 bytes/,
    },
    {
      name: 'different key of the same size',
      source: rec({ key: b('k1') }),
      target: rec({ key: b('k2') }),
      field: 'key',
      detail: /same size \(2 bytes\), different bytes/,
    },
    {
      name: 'tombstone vs value',
      source: rec({ value: null }),
      target: rec({ value: b('12345') }),
      field: 'value',
      detail: /source value is null \(a tombstone\), target value is 5 bytes/,
    },
    {
      name: 'value one byte longer',
      source: rec({ value: b('abc') }),
      target: rec({ value: b('abcd') }),
      field: 'value',
      detail: /source value is 3 bytes, target value is 4 bytes/,
    },
    {
      name: 'key checked before value',
      source: rec({ key: b('a'), value: b('x') }),
      target: rec({ key: b('b'), value: b('y') }),
      field: 'key',
    },
    {
      name: 'timestamp',
      source: rec(),
      target: rec({ timestampMs: 1_700_000_000_005 }),
      field: 'timestamp',
      detail: /\+5 ms/,
    },
  ];
  it.each(cases)('$name', ({ source, target, field, detail }) => {
    const d = compareDigests(digestRecord(source), digestRecord(target));
    if (!field) expect(d).toBeUndefined();
    else {
      expect(d?.field).toBe(field);
      if (detail) expect(d?.detail).toMatch(detail);
    }
  });

  it('expects a LogAppendTime source record on the target as CreateTime with the same time (ADR 0003)', () => {
    const source = asReplicated(rec({ timestampType: 'log-append' }));
    expect(
      compareDigests(digestRecord(source), digestRecord(rec({ timestampType: 'create' }))),
    ).toBeUndefined();
    expect(
      compareDigests(digestRecord(source), digestRecord(rec({ timestampType: 'log-append' })))?.field,
    ).toBe('timestamp');
  });

  it('keeps no record content in a digest', () => {
    const d = digestRecord(rec({ key: b('secret-key'), value: b('secret-value') }));
    expect(JSON.stringify(d)).not.toMatch(/secret/);
  });
});

/** Source offsets 10..14 replicated to target 100..104, one extra record at target 102 shifting the rest. */
describe('PartitionCheck', () => {
  const pairs = (xs: Array<[number, number]>): ExpectedPair[] =>
    xs.map(([s, t]) => ({ sourceOffset: BigInt(s), targetOffset: BigInt(t) }));
  const r = (i: number) => digestRecord(rec({ value: b(`v${i}`) }));
  interface Case {
    name: string;
    pairs: Array<[number, number]>;
    covered: Array<[number, number]>;
    position: number;
    source: Array<[number, number]>; // [offset, content id]
    target: Array<[number, number]>;
    want: Record<string, number>;
    first?: { sourceOffset: bigint; targetOffset?: bigint; field: string };
  }
  const cases: Case[] = [
    {
      name: 'all identical',
      pairs: [
        [10, 100],
        [11, 101],
        [12, 102],
      ],
      covered: [[100, 103]],
      position: 13,
      source: [
        [10, 10],
        [11, 11],
        [12, 12],
      ],
      target: [
        [100, 10],
        [101, 11],
        [102, 12],
      ],
      want: { checked: 3, matched: 3, missing: 0, mismatched: 0, extra: 0, sourceGone: 0 },
    },
    {
      name: 'gaps on both sides (aborted records, markers) follow the syncs',
      pairs: [
        [10, 100],
        [13, 102],
        [14, 103],
      ],
      covered: [
        [100, 101],
        [102, 104],
      ],
      position: 16,
      source: [
        [10, 10],
        [13, 13],
        [14, 14],
      ],
      target: [
        [100, 10],
        [102, 13],
        [103, 14],
      ],
      want: { checked: 3, matched: 3, missing: 0, mismatched: 0, extra: 0 },
    },
    {
      name: 'a different value at one offset',
      pairs: [
        [10, 100],
        [11, 101],
        [12, 102],
      ],
      covered: [[100, 103]],
      position: 13,
      source: [
        [10, 10],
        [11, 11],
        [12, 12],
      ],
      target: [
        [100, 10],
        [101, 99],
        [102, 12],
      ],
      want: { checked: 3, matched: 2, mismatched: 1 },
      first: { sourceOffset: 11n, targetOffset: 101n, field: 'value' },
    },
    {
      name: 'two records swapped: order',
      pairs: [
        [10, 100],
        [11, 101],
      ],
      covered: [[100, 102]],
      position: 12,
      source: [
        [10, 10],
        [11, 11],
      ],
      target: [
        [100, 11],
        [101, 10],
      ],
      want: { checked: 2, matched: 0, mismatched: 2 },
      first: { sourceOffset: 10n, targetOffset: 100n, field: 'value' },
    },
    {
      name: 'a target record deleted',
      pairs: [
        [10, 100],
        [11, 101],
      ],
      covered: [[100, 102]],
      position: 12,
      source: [
        [10, 10],
        [11, 11],
      ],
      target: [[101, 11]],
      want: { checked: 2, matched: 1, missing: 1 },
      first: { sourceOffset: 10n, targetOffset: 100n, field: 'missing' },
    },
    {
      name: 'an extra record between two replicated chunks',
      pairs: [
        [10, 100],
        [11, 102],
      ],
      covered: [
        [100, 101],
        [102, 103],
      ],
      position: 12,
      source: [
        [10, 10],
        [11, 11],
      ],
      target: [
        [100, 10],
        [101, 77],
        [102, 11],
      ],
      want: { checked: 2, matched: 2, extra: 1 },
      first: { sourceOffset: 11n, targetOffset: 101n, field: 'extra' },
    },
    {
      name: 'an extra record after the last replicated one',
      pairs: [[10, 100]],
      covered: [[100, 101]],
      position: 11,
      source: [[10, 10]],
      target: [
        [100, 10],
        [101, 77],
      ],
      want: { checked: 1, matched: 1, extra: 1 },
      first: { sourceOffset: 11n, targetOffset: 101n, field: 'extra' },
    },
    {
      name: 'records the flow wrote after the window (covered) are not extra',
      pairs: [[10, 100]],
      covered: [[100, 105]],
      position: 11,
      source: [[10, 10]],
      target: [
        [100, 10],
        [101, 11],
        [102, 12],
      ],
      want: { checked: 1, matched: 1, extra: 0 },
    },
    {
      name: 'a source record no sync lists was never replicated',
      pairs: [
        [10, 100],
        [12, 101],
      ],
      covered: [[100, 102]],
      position: 13,
      source: [
        [10, 10],
        [11, 11],
        [12, 12],
      ],
      target: [
        [100, 10],
        [101, 12],
      ],
      want: { checked: 3, matched: 2, missing: 1 },
      first: { sourceOffset: 11n, field: 'missing' },
    },
    {
      name: 'a source record compacted away since is not compared',
      pairs: [
        [10, 100],
        [11, 101],
      ],
      covered: [[100, 102]],
      position: 12,
      source: [[11, 11]],
      target: [
        [100, 10],
        [101, 11],
      ],
      want: { checked: 1, matched: 1, sourceGone: 1 },
    },
    {
      name: 'source records outside [first pair, position) are ignored',
      pairs: [[10, 100]],
      covered: [[100, 101]],
      position: 11,
      source: [
        [9, 9],
        [10, 10],
        [11, 11],
      ],
      target: [[100, 10]],
      want: { checked: 1, matched: 1 },
    },
    {
      name: 'the first difference is the lowest source offset, whatever its kind',
      pairs: [
        [10, 100],
        [11, 102],
        [12, 103],
      ],
      covered: [
        [100, 101],
        [102, 104],
      ],
      position: 13,
      source: [
        [10, 10],
        [11, 11],
        [12, 12],
      ],
      target: [
        [100, 10],
        [101, 55],
        [102, 11],
        [103, 99],
      ],
      want: { checked: 3, matched: 2, mismatched: 1, extra: 1 },
      first: { sourceOffset: 11n, targetOffset: 101n, field: 'extra' },
    },
  ];
  it.each(cases)('$name', (c) => {
    const covered: TargetRange[] = c.covered.map(([s, e]) => ({ start: BigInt(s), end: BigInt(e) }));
    const check = new PartitionCheck({ pairs: pairs(c.pairs), covered, position: BigInt(c.position) });
    // target first: the order of the two sides does not matter
    for (const [o, id] of c.target) check.addTarget(BigInt(o), () => r(id));
    for (const [o, id] of c.source) check.addSource(BigInt(o), r(id));
    const res = check.result();
    const { firstDifference, ...counts } = res;
    expect(counts).toMatchObject(c.want);
    if (c.first) expect(firstDifference).toMatchObject(c.first);
    else expect(firstDifference).toBeUndefined();
    expect(res.matched + res.missing + res.mismatched).toBe(res.checked);
  });
});

describe('PartitionCheck: records past the syncs read so far', () => {
  const d = digestRecord(rec());
  const plan = {
    pairs: [{ sourceOffset: 10n, targetOffset: 100n }],
    covered: [{ start: 100n, end: 101n }],
    position: 11n,
    tailFrom: 101n,
  };
  it('are the flow’s when a sync read later covers them (markers reach partitions one by one)', () => {
    const check = new PartitionCheck(plan);
    check.addSource(10n, d);
    for (const o of [100n, 101n, 102n]) check.addTarget(o, d);
    expect(check.hasTailCandidates()).toBe(true);
    check.addCovered({ start: 101n, end: 103n });
    expect(check.result()).toMatchObject({ checked: 1, matched: 1, extra: 0 });
  });
  it('are extra when no sync covers them', () => {
    const check = new PartitionCheck(plan);
    check.addSource(10n, d);
    for (const o of [100n, 101n, 102n]) check.addTarget(o, d);
    check.addCovered({ start: 102n, end: 103n });
    expect(check.result()).toMatchObject({
      extra: 1,
      firstDifference: { field: 'extra', targetOffset: 101n, sourceOffset: 11n },
    });
  });
});

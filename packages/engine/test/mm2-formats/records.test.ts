import { describe, expect, it } from 'vitest';
import {
  decodeCheckpoint,
  decodeHeartbeat,
  decodeOffsetSync,
  encodeCheckpoint,
  encodeHeartbeat,
  encodeOffsetSync,
} from '../../src/mm2-formats/index.ts';

describe('MM2 record formats', () => {
  it('Checkpoint: exact bytes of key and value', () => {
    const { key, value } = encodeCheckpoint({
      group: 'g',
      topic: 'east.t',
      partition: 3,
      upstreamOffset: 10n,
      downstreamOffset: 7n,
      metadata: '',
    });
    // group STRING "g", topic STRING "east.t", partition INT32 3
    expect(key.toString('hex')).toBe(
      ['0001', '67', '0006', Buffer.from('east.t').toString('hex'), '00000003'].join(''),
    );
    // version INT16 0, upstreamOffset INT64 10, offset INT64 7, metadata STRING ""
    expect(value.toString('hex')).toBe(['0000', '000000000000000a', '0000000000000007', '0000'].join(''));
  });

  it('Heartbeat: exact bytes of key and value', () => {
    const { key, value } = encodeHeartbeat({
      sourceClusterAlias: 'east',
      targetClusterAlias: 'west',
      timestamp: 1_700_000_000_000n,
    });
    expect(key.toString('hex')).toBe(
      ['0004', Buffer.from('east').toString('hex'), '0004', Buffer.from('west').toString('hex')].join(''),
    );
    expect(value.toString('hex')).toBe(['0000', 1_700_000_000_000n.toString(16).padStart(16, '0')].join(''));
  });

  it('OffsetSync: exact bytes, no version header', () => {
    const { key, value } = encodeOffsetSync({
      topic: 't',
      partition: 0,
      upstreamOffset: 5n,
      downstreamOffset: 2n,
    });
    expect(key.toString('hex')).toBe('0001' + '74' + '00000000');
    expect(value.toString('hex')).toBe('0000000000000005' + '0000000000000002');
  });

  it.each([
    {
      group: 'orders-consumer',
      topic: 'east.orders',
      partition: 0,
      upstreamOffset: 0n,
      downstreamOffset: 0n,
      metadata: '',
    },
    {
      group: 'ünïcødé group ✓',
      topic: 'a.b.c',
      partition: 2147483647,
      upstreamOffset: 9007199254740993n,
      downstreamOffset: 9007199254740990n,
      metadata: 'meta data',
    },
    {
      group: '',
      topic: 'x',
      partition: 5,
      upstreamOffset: -1n,
      downstreamOffset: -1n,
      metadata: 'x'.repeat(1000),
    },
  ])('Checkpoint round-trip $group', (c) => {
    expect(decodeCheckpoint(encodeCheckpoint(c))).toEqual(c);
  });

  it.each([
    { sourceClusterAlias: 'east', targetClusterAlias: 'west', timestamp: 0n },
    { sourceClusterAlias: 'a-b_c', targetClusterAlias: 'dé', timestamp: 9223372036854775807n },
  ])('Heartbeat round-trip $sourceClusterAlias', (h) => {
    expect(decodeHeartbeat(encodeHeartbeat(h))).toEqual(h);
  });

  it.each([
    { topic: 'orders', partition: 0, upstreamOffset: 0n, downstreamOffset: 0n },
    {
      topic: 'long.name.with.dots',
      partition: 99,
      upstreamOffset: 123456789012345n,
      downstreamOffset: 12345n,
    },
  ])('OffsetSync round-trip $topic', (s) => {
    expect(decodeOffsetSync(encodeOffsetSync(s))).toEqual(s);
  });

  it.each([
    {
      what: 'truncated checkpoint value',
      fn: () =>
        decodeCheckpoint({
          key: Buffer.from('0001670001740000000', 'hex'),
          value: Buffer.from('0000', 'hex'),
        }),
      code: 'MALFORMED_RECORD',
    },
    {
      what: 'unknown checkpoint version',
      fn: () => decodeCheckpoint({ key: Buffer.alloc(0), value: Buffer.from('0001', 'hex') }),
      code: 'UNSUPPORTED_RECORD_VERSION',
    },
    {
      what: 'unknown heartbeat version',
      fn: () => decodeHeartbeat({ key: Buffer.alloc(0), value: Buffer.from('00070000', 'hex') }),
      code: 'UNSUPPORTED_RECORD_VERSION',
    },
    {
      what: 'negative string length',
      fn: () =>
        decodeHeartbeat({
          key: Buffer.from('ffff', 'hex'),
          value: Buffer.from('00000000000000000000', 'hex'),
        }),
      code: 'MALFORMED_RECORD',
    },
  ])('rejects $what with a typed error', ({ fn, code }) => {
    expect(fn).toThrow(expect.objectContaining({ code }));
  });
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildUnder, splitBySize, topicGoneOrOk } from '../../src/datapath/batch-writer.ts';
import {
  buildBatch,
  type Compression,
  decodeRecords,
  splitBatches,
  type WireRecord,
} from '../../src/records/index.ts';

const where = { remoteTopic: 't', partition: 0 };
const producer = { producerId: 1n, producerEpoch: 0, baseSequence: 0, transactional: true };

function recs(n: number, size: number): WireRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    offset: BigInt(100 + i * 2),
    timestamp: 1_000n + BigInt(i),
    key: Buffer.from(`k${i}`),
    value: Buffer.alloc(size, i & 0xff),
    headers: [['h', i % 2 ? null : Buffer.from('x')]],
  }));
}

describe('splitBySize', () => {
  const cases: Array<[string, number, number, number, Compression]> = [
    ['everything fits', 10, 100, 1 << 20, 'none'],
    ['cut exactly at the limit', 100, 1000, 8192, 'none'],
    ['one record per batch', 5, 4000, 4200, 'none'],
    ['compressed, with room for the codec frame', 100, 1000, 16384, 'zstd'],
  ];
  it.each(cases)('%s', (_name, n, size, max, compression) => {
    const input = recs(n, size);
    const chunks = splitBySize(input, max, where);
    expect(chunks.flat()).toEqual(input); // nothing lost, order kept
    for (const c of chunks) {
      const b = buildBatch(c, { ...producer, compression: 'none', timestampType: 'create' });
      expect(b.length).toBeLessThanOrEqual(max);
    }
    if (n * size > max) expect(chunks.length).toBeGreaterThan(1);
    const built = buildUnder(input, max, compression, where);
    expect(built.flatMap((x) => x.records)).toEqual(input);
    for (const { records, bytes } of built) {
      expect(bytes.length).toBeLessThanOrEqual(max);
      const [b] = splitBatches(bytes).batches;
      expect(decodeRecords(b!).map((r) => r.key)).toEqual(records.map((r) => r.key));
    }
  });

  it('a compressed batch over the limit is halved; a single record that only fits uncompressed is written so', () => {
    // random bytes do not compress: the zstd frame makes the batch larger than the uncompressed one
    const input = recs(4, 1000).map((r) => ({ ...r, value: randomBytes(1000) }));
    const one = buildBatch(input.slice(0, 1), {
      ...producer,
      compression: 'none',
      timestampType: 'create',
    }).length;
    const built = buildUnder(input.slice(0, 1), one, 'zstd', where);
    expect(built).toHaveLength(1);
    expect(built[0]!.bytes.length).toBeLessThanOrEqual(one);
    expect(built[0]!.bytes.readInt16BE(21) & 7).toBe(0); // written uncompressed
    const all = buildUnder(input, 4 * one - 100, 'gzip', where);
    expect(all.flatMap((x) => x.records)).toEqual(input);
    expect(all.every((x) => x.bytes.length <= 4 * one - 100)).toBe(true);
  });

  it('a record that cannot fit alone is RECORD_TOO_LARGE with its offset', () => {
    expect(() => splitBySize(recs(3, 5000), 4096, where)).toThrow(
      expect.objectContaining({
        code: 'RECORD_TOO_LARGE',
        context: expect.objectContaining({ offset: '100' }),
      }),
    );
  });
});

describe('topicGoneOrOk: which metadata errors the remote-id check decides on', () => {
  const cases: Array<[string, number, boolean]> = [
    ['no error', 0, true],
    ['UNKNOWN_TOPIC_OR_PARTITION: the topic is gone', 3, true],
    ['UNKNOWN_TOPIC_ID: the topic is gone', 100, true],
    ['LEADER_NOT_AVAILABLE says nothing of the id', 5, false],
    ['TOPIC_AUTHORIZATION_FAILED says nothing of the id', 29, false],
    ['INVALID_REPLICATION_FACTOR says nothing of the id', 38, false],
  ];
  it.each(cases)('%s', (_name, code, decides) => {
    expect(topicGoneOrOk(code)).toBe(decides);
  });
});

import { describe, expect, it } from 'vitest';
import { splitBySize } from '../../src/datapath/batch-writer.ts';
import { buildBatch, type Compression, type WireRecord } from '../../src/records/index.ts';

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
    const chunks = splitBySize(input, max, compression, where);
    expect(chunks.flat()).toEqual(input); // nothing lost, order kept
    for (const c of chunks) {
      const b = buildBatch(c, { ...producer, compression, timestampType: 'create' });
      expect(b.length).toBeLessThanOrEqual(max);
    }
    if (compression === 'none' && n * size > max) expect(chunks.length).toBeGreaterThan(1);
  });

  it('a record that cannot fit alone is RECORD_TOO_LARGE with its offset', () => {
    expect(() => splitBySize(recs(3, 5000), 4096, 'none', where)).toThrow(
      expect.objectContaining({
        code: 'RECORD_TOO_LARGE',
        context: expect.objectContaining({ offset: '100' }),
      }),
    );
  });
});

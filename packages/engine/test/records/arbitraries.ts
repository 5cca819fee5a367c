import fc from 'fast-check';
import type { Compression, WireRecord } from '../../src/records/index.ts';

/*
 * Random records for the batch property tests: null / empty / binary keys and values, headers with repeated and
 * interleaved keys (drawn from a small pool so repeats are common), null header values, non-ASCII keys,
 * timestamps going backwards inside a batch.
 */

const bytes = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) },
);

export const headerKey = (pool: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 3, arbitrary: pool },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  );

const keyPool = fc.constantFrom('a', 'b', 'trace-id', 'ключ', '鍵', 'emoji-🙂', '');

export function recordsArb(opts: { headerKeys?: fc.Arbitrary<string>; maxRecords?: number } = {}) {
  // given keys are used alone (kafkajs cannot take keys named like Object.prototype members); else pool + any
  const header = fc.tuple(opts.headerKeys ?? headerKey(keyPool), bytes);
  const record = fc.record({
    key: bytes,
    value: bytes,
    headers: fc.array(header, { maxLength: 6 }),
    tsOffset: fc.integer({ min: -86_400_000, max: 86_400_000 }),
  });
  return fc
    .tuple(
      fc.bigInt({ min: 0n, max: 1n << 40n }),
      fc.bigInt({ min: 0n, max: 4_000_000_000_000n }),
      fc.array(record, { minLength: 1, maxLength: opts.maxRecords ?? 30 }),
    )
    .map(([base, ts, rs]): WireRecord[] =>
      rs.map((r, i) => ({
        offset: base + BigInt(i),
        timestamp: ts + BigInt(r.tsOffset),
        key: r.key,
        value: r.value,
        headers: r.headers as Array<[string, Buffer | null]>,
      })),
    );
}

export const compressionArb = fc.constantFrom<Compression>('none', 'gzip', 'snappy', 'lz4', 'zstd');

export const producerArb = fc.record({
  producerId: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
  producerEpoch: fc.integer({ min: 0, max: 32_767 }),
  baseSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  transactional: fc.boolean(),
  baseOffset: fc.option(fc.bigInt({ min: 0n, max: 1n << 50n }), { nil: undefined }),
});

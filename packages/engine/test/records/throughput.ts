/*
 * Throughput of the record batch code on this machine (not a test; run by hand):
 *   cd packages/engine && node test/records/throughput.ts
 * Prints MB/s of crc32c over a 64 MiB buffer, rewriteBatch over 1 MiB batches (copy + CRC), and the rebuild
 * path (decodeRecords + buildBatch) for comparison, best of five runs each.
 */
import { randomBytes } from 'node:crypto';
import {
  buildBatch,
  crc32c,
  decodeRecords,
  rewriteBatch,
  rewriteBatchInPlace,
  splitBatches,
  type WireRecord,
} from '../../src/records/index.ts';

function best(label: string, bytes: number, fn: () => void, runs = 5): void {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  console.log(`${label.padEnd(44)} ${(bytes / (1 << 20) / (min / 1000)).toFixed(0).padStart(6)} MB/s`);
}

const big = randomBytes(64 << 20);
best('crc32c, 64 MiB', big.length, () => void crc32c(big));

const records: WireRecord[] = Array.from({ length: 1000 }, (_, i) => ({
  offset: BigInt(i),
  timestamp: 1_764_000_000_000n + BigInt(i),
  key: Buffer.from(`key-${i}`),
  value: randomBytes(1024),
  headers: [['trace', Buffer.from('abc')]],
}));
const producer = { producerId: 1n, producerEpoch: 0, baseSequence: 0, transactional: true };
const batch = buildBatch(records, { ...producer, compression: 'none', timestampType: 'create' });
const raw = splitBatches(batch).batches[0]!;
const N = 64;
best(`rewriteBatch, ${N} × ${(batch.length / 1024).toFixed(0)} KiB (copy + CRC)`, batch.length * N, () => {
  for (let i = 0; i < N; i++) rewriteBatch(raw, { ...producer, baseSequence: i });
});
best(
  `rewriteBatchInPlace, ${N} × ${(batch.length / 1024).toFixed(0)} KiB (CRC only)`,
  batch.length * N,
  () => {
    for (let i = 0; i < N; i++) rewriteBatchInPlace(raw, { ...producer, baseSequence: i });
  },
);
best('decodeRecords + buildBatch (rebuild, none)', batch.length * 8, () => {
  for (let i = 0; i < 8; i++)
    buildBatch(decodeRecords(raw), { ...producer, compression: 'none', timestampType: 'create' });
});
const zbatch = splitBatches(
  buildBatch(records, { ...producer, compression: 'zstd', timestampType: 'create' }),
).batches[0]!;
best('decodeRecords + buildBatch (rebuild, zstd)', batch.length * 8, () => {
  for (let i = 0; i < 8; i++)
    buildBatch(decodeRecords(zbatch), { ...producer, compression: 'zstd', timestampType: 'create' });
});

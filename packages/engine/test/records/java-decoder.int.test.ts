import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildBatch,
  decodeRecords,
  type ProducerFields,
  rewriteBatch,
  splitBatches,
  type WireRecord,
} from '../../src/records/index.ts';
import { compressionArb, producerArb, recordsArb } from './arbitraries.ts';
import { type JavaBatch, type JavaRecord, javaDump } from './java-tool.ts';

/*
 * The Java client (kafka-clients 4.3.1, MemoryRecords.readableRecords + ensureValid) as the second decoder:
 * random batches built and rewritten here, every header key drawn from all of Unicode and compared in order.
 * One JVM per test: all cases go into one file.
 */
const FIXTURES = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'));
const tmp = mkdtempSync(join(tmpdir(), 'ferry-records-'));

function javaOf(rs: WireRecord[]): JavaRecord[] {
  return rs.map((r) => ({
    offset: String(r.offset),
    timestamp: String(r.timestamp),
    key: hex(r.key),
    value: hex(r.value),
    headers: r.headers.map(([k, v]) => [k, hex(v)] as [string, string | null]),
  }));
}

function expectProducer(j: JavaBatch, p: ProducerFields) {
  expect(j.baseOffset).toBe(String(p.baseOffset ?? 0n));
  expect(j.producerId).toBe(String(p.producerId));
  expect(j.producerEpoch).toBe(p.producerEpoch);
  expect(j.baseSequence).toBe(p.baseSequence);
  expect(j.transactional).toBe(p.transactional);
}

describe('record batches read by the Java client', () => {
  it('random batches, rewritten with random producer fields, read back equal (CRC valid)', async () => {
    const cases = fc.sample(
      fc.tuple(
        recordsArb({
          // repeats from a small pool (interleaved keys) and any Unicode key
          headerKeys: fc.oneof(
            fc.constantFrom('a', 'b', 'ключ', '__proto__', 'constructor'),
            fc.string({ unit: 'grapheme', maxLength: 6 }),
          ),
        }),
        compressionArb,
        producerArb,
      ),
      {
        numRuns: 200,
        seed: Date.now() % 100_000,
      },
    );
    const bufs = cases.map(([records, compression, p]) => {
      const src = buildBatch(records, {
        compression,
        timestampType: 'create',
        producerId: -1n,
        producerEpoch: -1,
        baseSequence: -1,
        transactional: false,
        baseOffset: records[0]!.offset,
      });
      return rewriteBatch(splitBatches(src).batches[0]!, p);
    });
    const file = join(tmp, 'random.bin');
    writeFileSync(file, Buffer.concat(bufs));
    const java = await javaDump(file);
    expect(java).toHaveLength(cases.length);
    cases.forEach(([records, compression, p], i) => {
      const j = java[i]!;
      expectProducer(j, p);
      expect(j.compression).toBe(compression);
      expect(j.timestampType).toBe('CreateTime');
      const base = p.baseOffset ?? 0n;
      expect(j.records).toEqual(javaOf(records.map((r, n) => ({ ...r, offset: base + BigInt(n) }))));
    });
  });

  it("the Java client's own batches (every codec), forwarded by rewriteBatch, read back unchanged", async () => {
    const names = readdirSync(FIXTURES).filter((f) => /^v2-(none|gzip|snappy|lz4|zstd)\.bin$/.test(f));
    expect(names).toHaveLength(5);
    const expected: Array<{ p: ProducerFields; records: JavaRecord[]; compression: string }> = [];
    const bufs: Buffer[] = [];
    for (const name of names) {
      const original = JSON.parse(
        readFileSync(join(FIXTURES, name.replace('.bin', '.json')), 'utf8'),
      ) as JavaBatch[];
      splitBatches(readFileSync(join(FIXTURES, name))).batches.forEach((b, i) => {
        const p = {
          baseOffset: b.header.baseOffset,
          producerId: 77n + BigInt(i),
          producerEpoch: 9,
          baseSequence: 1000 * i,
          transactional: i % 2 === 0,
        };
        bufs.push(rewriteBatch(b, p));
        expected.push({ p, records: original[i]!.records, compression: original[i]!.compression });
      });
    }
    const file = join(tmp, 'forwarded.bin');
    writeFileSync(file, Buffer.concat(bufs));
    const java = await javaDump(file);
    expect(java).toHaveLength(expected.length);
    java.forEach((j, i) => {
      expectProducer(j, expected[i]!.p);
      expect(j.compression).toBe(expected[i]!.compression);
      expect(j.records).toEqual(expected[i]!.records);
    });
  });

  it('rebuilt batches (compaction gaps, log-append time, legacy formats) read back with the same records', async () => {
    const names = readdirSync(FIXTURES).filter((f) => /^(v2-compacted|v2-log-append|v0|v1)-.*\.bin$/.test(f));
    const expected: JavaRecord[][] = [];
    const bufs: Buffer[] = [];
    for (const name of names) {
      const all = splitBatches(readFileSync(join(FIXTURES, name))).batches.flatMap((b) => decodeRecords(b));
      // what the writer does: contiguous offsets from 0, CreateTime with the timestamps the source showed
      bufs.push(
        buildBatch(all, {
          compression: 'zstd',
          timestampType: 'create',
          producerId: 5n,
          producerEpoch: 0,
          baseSequence: 0,
          transactional: true,
        }),
      );
      expected.push(javaOf(all.map((r, n) => ({ ...r, offset: BigInt(n) }))));
    }
    const file = join(tmp, 'rebuilt.bin');
    writeFileSync(file, Buffer.concat(bufs));
    const java = await javaDump(file);
    expect(java.map((j) => j.records)).toEqual(expected);
    expect(java.every((j) => j.timestampType === 'CreateTime' && j.transactional)).toBe(true);
  });
});

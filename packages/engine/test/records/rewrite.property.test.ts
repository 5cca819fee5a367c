/// <reference path="./kafkajs-internals.d.ts" />
import fc from 'fast-check';
import kafkajs from 'kafkajs';
import Decoder from 'kafkajs/src/protocol/decoder.js';
import crc32CKafkajs from 'kafkajs/src/protocol/recordBatch/crc32C/index.js';
import RecordBatchDecoder from 'kafkajs/src/protocol/recordBatch/v0/decoder.js';
import { describe, expect, it } from 'vitest';
import { registerCodecs } from '../../src/kafka/codecs.ts';
import {
  buildBatch,
  decodeRecords,
  rebuildReason,
  rewriteBatch,
  splitBatches,
  type WireRecord,
} from '../../src/records/index.ts';
import { compressionArb, producerArb, recordsArb } from './arbitraries.ts';

/*
 * Property: random records → buildBatch (random codec) → rewriteBatch (random producer fields) → decoded by a
 * second implementation (kafkajs's record batch decoder and its own CRC-32C) equals the input. kafkajs gathers
 * headers into an object, so it cannot show the order of headers with different keys, and a header key named
 * like an Object.prototype member ('constructor', '__proto__') breaks it: here the keys come from a pool
 * without those and headers are compared per key in order. The Java client checks the full order
 * (java-decoder.int.test.ts); our own decoder is checked for exact order here.
 */
registerCodecs();
void kafkajs;

interface KjsRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | Array<Buffer | null>>;
}

async function kafkajsDecode(buf: Buffer) {
  return (await RecordBatchDecoder(new Decoder(buf))) as {
    firstOffset: string;
    producerId: string;
    producerEpoch: number;
    firstSequence: number;
    inTransaction: boolean;
    lastOffsetDelta: number;
    maxTimestamp: string;
    records: KjsRecord[];
  };
}

function byKey(headers: Array<[string, Buffer | null]>): Record<string, Array<Buffer | null>> {
  const out: Record<string, Array<Buffer | null>> = {};
  for (const [k, v] of headers) {
    out[k] ??= [];
    out[k].push(v);
  }
  return out;
}

function kjsByKey(h: KjsRecord['headers']): Record<string, Array<Buffer | null>> {
  const out: Record<string, Array<Buffer | null>> = {};
  for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v : [v];
  return out;
}

const safeKeys = fc.constantFrom('a', 'b', 'trace-id', 'ключ', '鍵', 'emoji-🙂', '', 'x y');

describe('rewriteBatch (property, kafkajs as the second decoder)', () => {
  it('forwarded bytes decode to the same records with the new producer fields', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordsArb({ headerKeys: safeKeys }),
        compressionArb,
        producerArb,
        async (records, compression, p) => {
          const src = buildBatch(records, {
            compression,
            timestampType: 'create',
            producerId: 99n,
            producerEpoch: 1,
            baseSequence: 5,
            transactional: !p.transactional,
            baseOffset: records[0]!.offset,
          });
          const [raw] = splitBatches(src).batches;
          expect(rebuildReason(raw!, 1 << 30)).toBeNull();
          const out = rewriteBatch(raw!, p);
          // records section untouched, CRC valid by kafkajs's own CRC-32C
          expect(out.subarray(61).equals(src.subarray(61))).toBe(true);
          expect(out.readUInt32BE(17)).toBe(crc32CKafkajs(out.subarray(21)) >>> 0);

          const k = await kafkajsDecode(out);
          const base = p.baseOffset ?? 0n;
          expect(k.firstOffset).toBe(String(base));
          expect(k.producerId).toBe(String(p.producerId));
          expect(k.producerEpoch).toBe(p.producerEpoch);
          expect(k.firstSequence).toBe(p.baseSequence);
          expect(k.inTransaction).toBe(p.transactional);
          expect(k.lastOffsetDelta).toBe(records.length - 1);
          expect(k.records).toHaveLength(records.length);
          k.records.forEach((r, i) => {
            const want = records[i]!;
            expect(r.offset).toBe(String(base + BigInt(i)));
            expect(r.timestamp).toBe(String(want.timestamp));
            expect(r.key).toEqual(want.key);
            expect(r.value).toEqual(want.value);
            expect(kjsByKey(r.headers)).toEqual(byKey(want.headers));
          });

          // our decoder: exact, header order included
          const [again] = splitBatches(out).batches;
          const mine: WireRecord[] = decodeRecords(again!);
          expect(mine).toEqual(records.map((r, i) => ({ ...r, offset: base + BigInt(i) })));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a batch split at any byte reports the truncated batch and returns the complete ones', () => {
    fc.assert(
      fc.property(recordsArb({ maxRecords: 5 }), recordsArb({ maxRecords: 5 }), fc.nat(), (a, b, cutSeed) => {
        const opts = {
          compression: 'none' as const,
          timestampType: 'create' as const,
          producerId: -1n,
          producerEpoch: -1,
          baseSequence: -1,
          transactional: false,
        };
        const ba = buildBatch(a, { ...opts, baseOffset: 10n });
        const bb = buildBatch(b, { ...opts, baseOffset: 10n + BigInt(a.length) });
        const cut = ba.length + 1 + (cutSeed % (bb.length - 1));
        const r = splitBatches(Buffer.concat([ba, bb]).subarray(0, cut));
        expect(r.batches.map((x) => x.header.baseOffset)).toEqual([10n]);
        expect(r.truncatedAt).toBe(10n + BigInt(a.length));
        expect(r.truncatedPosition).toBe(ba.length);
      }),
      { numRuns: 200 },
    );
  });
});

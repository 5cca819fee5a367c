import { createHash, type Hash } from 'node:crypto';
import { FerryError } from '../errors.ts';
import { BATCH_HEADER_SIZE } from '../records/batch-header.ts';
import { decompress } from '../records/compression.ts';
import { decodeRecords } from '../records/decode.ts';
import type { RawBatch } from '../records/types.ts';
import { writeVarint } from '../records/varint.ts';
import type { RecordView } from './compare.ts';

/*
 * The streamed digest of one side of a partition (`ferry verify`): a count, one running SHA-256 over every
 * record in offset order, and a checkpoint (index, next offset, digest so far) every `every` records.
 *
 * What is hashed per record: int32 length | the record's key, value and header list exactly as the v2 record
 * format writes them (keyLength varint, key, valueLength varint, value, headerCount varint, then per header
 * keyLength varint, key, valueLength varint (-1 = null), value; so the header list in order, null values
 * included) | float64 timestamp (ms) | uint8 1 for LogAppendTime. In a v2 batch that span is read straight out
 * of the (decompressed) records section: no record object, no Buffer per field, no hash call per record (spans
 * are gathered into a scratch buffer hashed a block at a time). A record given as fields (`add`, v0/v1
 * batches) is encoded to the same bytes first, so both paths agree. Equal bytes mean the same key, value,
 * headers and timestamp; the words for a difference come from the record-by-record re-read (compare.ts).
 * A record whose varints are not minimal (no client writes them) would differ from its re-encoded copy: a
 * false difference, which the re-read reports as "the re-read block matches", never a false match.
 */

export interface Checkpoint {
  index: number;
  /** Offset of the next record after the `index` records digested so far. */
  next: bigint;
  digest: string;
}

const SCRATCH = 1 << 16;

export class SideDigest {
  count = 0;
  readonly checkpoints: Checkpoint[] = [];
  private readonly hash: Hash = createHash('sha256');
  private readonly every: number;
  private scratch = Buffer.allocUnsafe(SCRATCH);
  private view = new DataView(this.scratch.buffer, this.scratch.byteOffset, this.scratch.byteLength);
  private used = 0;
  private untilCheckpoint: number;

  constructor(every: number) {
    this.every = every;
    this.untilCheckpoint = every;
  }

  /**
   * The records of a data batch with offsets in [from, to), in order; `replicated`: hash a LogAppendTime
   * record as CreateTime (a source record as it must be on the target, ADR 0003). Returns the offset after the
   * last record digested, or undefined when none was in range.
   */
  addBatch(b: RawBatch, from: bigint, to: bigint, replicated: boolean): bigint | undefined {
    const h = b.header;
    if (h.magic < 2) {
      let next: bigint | undefined;
      for (const r of decodeRecords(b)) {
        if (r.offset < from || r.offset >= to) continue;
        this.add(r.offset, {
          key: r.key,
          value: r.value,
          headers: r.headers,
          timestampMs: Number(r.timestamp),
          timestampType: replicated ? 'create' : h.timestampType,
        });
        next = r.offset + 1n;
      }
      return next;
    }
    const p = decompress(h.compression, b.bytes.subarray(BATCH_HEADER_SIZE));
    const logAppend = h.timestampType === 'log-append';
    const typeByte = logAppend && !replicated ? 1 : 0;
    const baseTs = Number(h.baseTimestamp);
    const maxTs = Number(h.maxTimestamp);
    // offsets as deltas from the base: numbers, not bigints, per record
    const lo = from > h.baseOffset ? Number(from - h.baseOffset) : 0;
    const hi = to - h.baseOffset < 0x7fffffffn ? Number(to - h.baseOffset) : 0x7fffffff;
    let last = -1;
    let pos = 0;
    const n = h.recordCount;
    for (let i = 0; i < n; i++) {
      // length varint
      let raw = 0;
      let shift = 0;
      let byte: number;
      do {
        if (pos >= p.length || shift > 28) throw corrupt(h.baseOffset, i);
        byte = p[pos++]!;
        raw |= (byte & 0x7f) << shift;
        shift += 7;
      } while (byte & 0x80);
      const len = (raw >>> 1) ^ -(raw & 1);
      const end = pos + len;
      if (len < 0 || end > p.length) throw corrupt(h.baseOffset, i);
      pos++; // attributes
      // timestampDelta varlong
      let tsRaw = 0;
      let mul = 1;
      for (let k = 0; ; k++) {
        if (pos >= end || k >= 10) throw corrupt(h.baseOffset, i);
        byte = p[pos++]!;
        tsRaw += (byte & 0x7f) * mul;
        if ((byte & 0x80) === 0) break;
        mul *= 128;
      }
      const tsDelta = tsRaw % 2 === 0 ? tsRaw / 2 : -(tsRaw + 1) / 2;
      // offsetDelta varint
      raw = 0;
      shift = 0;
      do {
        if (pos >= end || shift > 28) throw corrupt(h.baseOffset, i);
        byte = p[pos++]!;
        raw |= (byte & 0x7f) << shift;
        shift += 7;
      } while (byte & 0x80);
      const delta = (raw >>> 1) ^ -(raw & 1);
      if (delta >= lo && delta < hi) {
        this.put(p, pos, end, logAppend ? maxTs : baseTs + tsDelta, typeByte);
        last = delta;
        if (--this.untilCheckpoint === 0) this.checkpoint(h.baseOffset + BigInt(delta) + 1n);
      }
      pos = end;
    }
    return last < 0 ? undefined : h.baseOffset + BigInt(last) + 1n;
  }

  /** One record given as fields (encoded to the bytes `addBatch` hashes). */
  add(offset: bigint, r: RecordView): void {
    const parts: Buffer[] = [];
    const varint = (v: number) => {
      const b = Buffer.allocUnsafe(10);
      parts.push(b.subarray(0, writeVarint(b, 0, v)));
    };
    const bytes = (v: Buffer | null) => {
      varint(v === null ? -1 : v.length);
      if (v) parts.push(v);
    };
    bytes(r.key);
    bytes(r.value);
    varint(r.headers.length);
    for (const [k, v] of r.headers) {
      bytes(Buffer.from(k));
      bytes(v);
    }
    const span = Buffer.concat(parts);
    this.put(span, 0, span.length, r.timestampMs, r.timestampType === 'log-append' ? 1 : 0);
    if (--this.untilCheckpoint === 0) this.checkpoint(offset + 1n);
  }

  private put(src: Buffer, start: number, end: number, ts: number, type: number): void {
    const len = end - start;
    if (this.used + len + 13 > this.scratch.length) {
      this.flush();
      if (len + 13 > this.scratch.length) {
        this.scratch = Buffer.allocUnsafe(len + 13);
        this.view = new DataView(this.scratch.buffer, this.scratch.byteOffset, this.scratch.byteLength);
      }
    }
    const s = this.scratch;
    let u = this.used;
    this.view.setInt32(u, len);
    u += 4;
    if (len < 64) for (let k = start; k < end; k++) s[u++] = src[k]!;
    else {
      src.copy(s, u, start, end);
      u += len;
    }
    this.view.setFloat64(u, ts);
    s[u + 8] = type;
    this.used = u + 9;
    this.count++;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.hash.update(this.scratch.subarray(0, this.used));
    this.used = 0;
  }

  private checkpoint(next: bigint): void {
    this.untilCheckpoint = this.every;
    this.checkpoints.push({ index: this.count, next, digest: this.digest() });
  }

  digest(): string {
    this.flush();
    return this.hash.copy().digest('hex');
  }
}

function corrupt(base: bigint, i: number): FerryError {
  return new FerryError(
    'CORRUPT_BATCH',
    `record ${i} of the batch at offset ${base} runs past the batch end`,
  );
}

import { FerryError } from '../errors.ts';
import { ATTR_LOG_APPEND_TIME, BATCH_HEADER_SIZE, compressionOf, OFFSET_MAGIC } from './batch-header.ts';
import { decompress } from './compression.ts';
import type { RawBatch, WireRecord } from './types.ts';
import { type Cursor, readVarint, readVarlong } from './varint.ts';

/*
 * Record, magic 2 (inside the batch's records section, after decompression):
 *   length varint | attributes int8 (unused) | timestampDelta varlong | offsetDelta varint |
 *   keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value |
 *   headerCount varint | (headerKeyLength varint | headerKey utf8 | headerValueLength varint (-1 = null) | value)*
 * offset = baseOffset + offsetDelta. timestamp = baseTimestamp + timestampDelta, except in a LogAppendTime batch,
 * where every record's timestamp is the batch's maxTimestamp (the broker's append time), as the Java client reads it.
 */

/**
 * The records of one batch (v2, or a v0/v1 message-set entry), decompressing when needed. Keys and values are
 * views into the batch (or the decompressed buffer), not copies. Header order and repeats are kept as written.
 */
export function decodeRecords(b: RawBatch): WireRecord[] {
  if (b.header.magic < 2) return decodeLegacy(b.bytes);
  const h = b.header;
  const payload = decompress(h.compression, b.bytes.subarray(BATCH_HEADER_SIZE));
  const c: Cursor = { buf: payload, pos: 0 };
  const logAppend = h.timestampType === 'log-append';
  const out: WireRecord[] = new Array(h.recordCount);
  for (let i = 0; i < h.recordCount; i++) {
    const len = readVarint(c);
    const end = c.pos + len;
    if (len < 0 || end > payload.length)
      throw new FerryError(
        'CORRUPT_BATCH',
        `record ${i} of the batch at offset ${h.baseOffset} runs past the batch end`,
      );
    c.pos += 1;
    const tsDelta = readVarlong(c);
    const offsetDelta = readVarint(c);
    const key = readBytes(c);
    const value = readBytes(c);
    const n = readVarint(c);
    const headers: Array<[string, Buffer | null]> = new Array(n);
    for (let j = 0; j < n; j++) {
      const kl = readVarint(c);
      if (kl < 0) throw new FerryError('CORRUPT_BATCH', 'a record header has a null key');
      const k = payload.toString('utf8', c.pos, c.pos + kl);
      c.pos += kl;
      headers[j] = [k, readBytes(c)];
    }
    if (c.pos !== end)
      throw new FerryError(
        'CORRUPT_BATCH',
        `record ${i} of the batch at offset ${h.baseOffset} has ${end - c.pos} bytes left after its headers`,
      );
    out[i] = {
      offset: h.baseOffset + BigInt(offsetDelta),
      timestamp: logAppend ? h.maxTimestamp : h.baseTimestamp + BigInt(tsDelta),
      key,
      value,
      headers,
    };
  }
  return out;
}

function readBytes(c: Cursor): Buffer | null {
  const n = readVarint(c);
  if (n < 0) return null;
  if (c.pos + n > c.buf.length) throw new FerryError('CORRUPT_BATCH', 'record field runs past the batch end');
  const v = c.buf.subarray(c.pos, c.pos + n);
  c.pos += n;
  return v;
}

/**
 * v0/v1 message set entries (one per buffer position; a compressed entry wraps an inner message set in its
 * value). Inner offsets: v0 absolute, v1 relative to the wrapper, whose offset is the last inner one.
 */
function decodeLegacy(buf: Buffer): WireRecord[] {
  const out: WireRecord[] = [];
  let pos = 0;
  while (pos + 12 <= buf.length) {
    const size = 12 + buf.readInt32BE(pos + 8);
    if (pos + size > buf.length) break;
    const entry = buf.subarray(pos, pos + size);
    const offset = entry.readBigInt64BE(0);
    const magic = entry[OFFSET_MAGIC]!;
    const attributes = entry[17]!;
    const timestamp = magic >= 1 ? entry.readBigInt64BE(18) : -1n;
    let p = magic >= 1 ? 26 : 18;
    const kl = entry.readInt32BE(p);
    p += 4;
    const key = kl < 0 ? null : entry.subarray(p, p + kl);
    p += Math.max(kl, 0);
    const vl = entry.readInt32BE(p);
    p += 4;
    const value = vl < 0 ? null : entry.subarray(p, p + vl);
    const codec = compressionOf(attributes);
    if (codec === 'none') out.push({ offset, timestamp, key, value, headers: [] });
    else {
      const inner = decodeLegacy(decompress(codec, value ?? Buffer.alloc(0)));
      const shift = magic >= 1 ? offset - (inner[inner.length - 1]?.offset ?? 0n) : 0n;
      const logAppend = magic >= 1 && (attributes & ATTR_LOG_APPEND_TIME) !== 0;
      for (const r of inner)
        out.push({ ...r, offset: r.offset + shift, timestamp: logAppend ? timestamp : r.timestamp });
    }
    pos += size;
  }
  return out;
}

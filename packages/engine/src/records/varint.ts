import { FerryError } from '../errors.ts';

/*
 * Kafka's record fields use zig-zag varints (protobuf style): int32 fields as varint (≤ 5 bytes), int64 as
 * varlong (≤ 10 bytes). Decoded into JS numbers while exact (|v| < 2^53); a larger varlong is read as a bigint
 * and converted, which only loses precision beyond 2^53 (no real timestamp delta is that large).
 */

export interface Cursor {
  buf: Buffer;
  pos: number;
}

export function readVarint(c: Cursor): number {
  const { buf } = c;
  let raw = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    if (c.pos >= buf.length) throw new FerryError('CORRUPT_BATCH', 'record ends inside a varint');
    const b = buf[c.pos++]!;
    raw |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return (raw >>> 1) ^ -(raw & 1);
  }
  throw new FerryError('CORRUPT_BATCH', 'varint longer than 5 bytes');
}

export function readVarlong(c: Cursor): number {
  const { buf } = c;
  let raw = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= buf.length) throw new FerryError('CORRUPT_BATCH', 'record ends inside a varlong');
    const b = buf[c.pos++]!;
    raw += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) {
      if (raw <= Number.MAX_SAFE_INTEGER) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      return Number(bigZigzag(buf, c.pos - i - 1));
    }
    mul *= 128;
  }
  throw new FerryError('CORRUPT_BATCH', 'varlong longer than 10 bytes');
}

function bigZigzag(buf: Buffer, start: number): bigint {
  let raw = 0n;
  let shift = 0n;
  for (let p = start; ; p++) {
    const b = buf[p]!;
    raw |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7n;
  }
  return (raw >> 1n) ^ -(raw & 1n);
}

/** Bytes a zig-zag varint/varlong of `v` takes. */
export function varintSize(v: number): number {
  let raw = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (raw >= 128) {
    raw = Math.floor(raw / 128);
    n++;
  }
  return n;
}

/** Writes the zig-zag varint/varlong of `v` (|v| < 2^53) at `pos`; returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, v: number): number {
  let raw = v >= 0 ? v * 2 : -v * 2 - 1;
  while (raw >= 128) {
    buf[pos++] = (raw % 128) | 0x80;
    raw = Math.floor(raw / 128);
  }
  buf[pos++] = raw;
  return pos;
}

/**
 * Kafka protocol writer. Small fields go into a growing scratch buffer; large byte fields (record batches) are
 * kept by reference and written to the socket as they are, so produce requests never copy their records.
 * `finish()` returns the pieces in order; `toBuffer()` joins them (tests, small requests).
 */
const ZERO_COPY_MIN = 4096;

export class Writer {
  private buf: Buffer;
  private pos = 0;
  private readonly pieces: Buffer[] = [];
  private piecesLength = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.piecesLength + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  int64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }
  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }
  /** Unsigned varint (7 bits a byte, little-endian groups), values 0 .. 2^32-1. */
  uvarint(v: number): this {
    this.ensure(5);
    let x = v >>> 0;
    while (x > 0x7f) {
      this.buf[this.pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[this.pos++] = x;
    return this;
  }
  /** Signed varint, zigzag encoded (int32 range). */
  varint(v: number): this {
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }
  /** Signed varlong, zigzag encoded (int64 range). */
  varlong(v: bigint): this {
    this.ensure(10);
    let x = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    while (x > 0x7fn) {
      this.buf[this.pos++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.pos++] = Number(x);
    return this;
  }
  uuid(v: string): this {
    const hex = v.replaceAll('-', '');
    if (hex.length !== 32) throw new RangeError(`not a uuid: ${v}`);
    this.ensure(16);
    this.buf.write(hex, this.pos, 16, 'hex');
    this.pos += 16;
    return this;
  }
  /** Raw bytes, no length. Large buffers are kept by reference. */
  raw(b: Buffer): this {
    if (b.length >= ZERO_COPY_MIN) {
      this.flushScratch();
      this.pieces.push(b);
      this.piecesLength += b.length;
      return this;
    }
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
    return this;
  }
  string(v: string): this {
    const n = Buffer.byteLength(v);
    this.int16(n);
    this.ensure(n);
    this.buf.write(v, this.pos, n, 'utf8');
    this.pos += n;
    return this;
  }
  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1);
    return this.string(v);
  }
  compactString(v: string): this {
    const n = Buffer.byteLength(v);
    this.uvarint(n + 1);
    this.ensure(n);
    this.buf.write(v, this.pos, n, 'utf8');
    this.pos += n;
    return this;
  }
  compactNullableString(v: string | null): this {
    if (v === null) return this.uvarint(0);
    return this.compactString(v);
  }
  bytes(v: Buffer): this {
    this.int32(v.length);
    return this.raw(v);
  }
  nullableBytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    return this.bytes(v);
  }
  compactBytes(v: Buffer): this {
    this.uvarint(v.length + 1);
    return this.raw(v);
  }
  compactNullableBytes(v: Buffer | null): this {
    if (v === null) return this.uvarint(0);
    return this.compactBytes(v);
  }
  /** int32 count (or -1 for null), then each item. */
  array<T>(items: readonly T[] | null, each: (w: Writer, item: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const it of items) each(this, it);
    return this;
  }
  /** unsigned varint count+1 (0 for null), then each item. */
  compactArray<T>(items: readonly T[] | null, each: (w: Writer, item: T) => void): this {
    if (items === null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const it of items) each(this, it);
    return this;
  }
  /** Tagged fields section: count, then tag, size, bytes for each, in ascending tag order. */
  taggedFields(fields: ReadonlyArray<readonly [number, Buffer]> = []): this {
    this.uvarint(fields.length);
    for (const [tag, b] of fields) {
      this.uvarint(tag);
      this.uvarint(b.length);
      this.raw(b);
    }
    return this;
  }

  private flushScratch(): void {
    if (this.pos === 0) return;
    const copy = Buffer.from(this.buf.subarray(0, this.pos));
    this.pieces.push(copy);
    this.piecesLength += copy.length;
    this.pos = 0;
  }

  /** The written bytes as pieces in order (large byte fields by reference). */
  finish(): Buffer[] {
    this.flushScratch();
    return this.pieces;
  }

  toBuffer(): Buffer {
    const p = this.finish();
    return p.length === 1 && p[0] ? p[0] : Buffer.concat(p);
  }
}

import { KafkaError } from '../errors.ts';

/** Kafka protocol reader over one response buffer. Byte fields are views into it (no copies). */
export class Reader {
  readonly buf: Buffer;
  pos: number;
  private readonly end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.end)
      throw new KafkaError(
        2,
        `response truncated: needed ${n} bytes at ${this.pos}, have ${this.end - this.pos}`,
        {
          name: 'CORRUPT_MESSAGE',
        },
      );
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  uint16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  int64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  float64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }
  uvarint(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const b = this.buf[this.pos++] as number;
      if (shift === 28) {
        if (b > 0x0f) throw new KafkaError(2, 'varint longer than 32 bits', { name: 'CORRUPT_MESSAGE' });
        return (v | (b << 28)) >>> 0;
      }
      v |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v >>> 0;
      shift += 7;
    }
  }
  varint(): number {
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }
  varlong(): bigint {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      this.need(1);
      const b = this.buf[this.pos++] as number;
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) throw new KafkaError(2, 'varlong longer than 64 bits', { name: 'CORRUPT_MESSAGE' });
    }
    return BigInt.asIntN(64, (v >> 1n) ^ -(v & 1n));
  }
  uuid(): string {
    this.need(16);
    const h = this.buf.toString('hex', this.pos, this.pos + 16);
    this.pos += 16;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  raw(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  private utf8(n: number): string {
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  string(): string {
    const n = this.int16();
    if (n < 0) throw new KafkaError(2, 'null where a string is required', { name: 'CORRUPT_MESSAGE' });
    return this.utf8(n);
  }
  nullableString(): string | null {
    const n = this.int16();
    return n < 0 ? null : this.utf8(n);
  }
  compactString(): string {
    const n = this.uvarint();
    if (n === 0) throw new KafkaError(2, 'null where a string is required', { name: 'CORRUPT_MESSAGE' });
    return this.utf8(n - 1);
  }
  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.utf8(n - 1);
  }
  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) throw new KafkaError(2, 'null where bytes are required', { name: 'CORRUPT_MESSAGE' });
    return this.raw(n);
  }
  nullableBytes(): Buffer | null {
    const n = this.int32();
    return n < 0 ? null : this.raw(n);
  }
  compactBytes(): Buffer {
    const n = this.uvarint();
    if (n === 0) throw new KafkaError(2, 'null where bytes are required', { name: 'CORRUPT_MESSAGE' });
    return this.raw(n - 1);
  }
  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    return n === 0 ? null : this.raw(n - 1);
  }
  array<T>(each: (r: Reader) => T): T[] | null {
    const n = this.int32();
    if (n < 0) return null;
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = each(this);
    return out;
  }
  compactArray<T>(each: (r: Reader) => T): T[] | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const out: T[] = new Array(n - 1);
    for (let i = 0; i < n - 1; i++) out[i] = each(this);
    return out;
  }
  /** Reads a tagged fields section; `onTag` gets a reader over each field's bytes, unknown tags are skipped. */
  taggedFields(onTag?: (tag: number, r: Reader) => void): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      this.need(size);
      if (onTag) onTag(tag, new Reader(this.buf, this.pos, this.pos + size));
      this.pos += size;
    }
  }
}

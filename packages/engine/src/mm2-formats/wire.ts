/*
 * The primitive types of Kafka's protocol `Schema`/`Struct` serialisation, as MM2's internal records use them
 * (org.apache.kafka.common.protocol.types.Type):
 *
 *   INT16  := 2 bytes, big-endian two's complement
 *   INT32  := 4 bytes, big-endian two's complement
 *   INT64  := 8 bytes, big-endian two's complement
 *   STRING := INT16 length N (>= 0), then N bytes of UTF-8 (no null: length -1 is not a STRING)
 *
 * A struct is its fields in schema order with no framing; a record value may be several structs back to back.
 */
import { FerryError } from '../errors.ts';

export class WireWriter {
  private readonly parts: Buffer[] = [];
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.parts.push(b);
    return this;
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  int64(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    this.parts.push(b);
    return this;
  }
  string(s: string): this {
    const bytes = Buffer.from(s, 'utf8');
    if (bytes.length > 0x7fff)
      throw new FerryError(
        'STRING_TOO_LONG',
        `a STRING field holds at most 32767 bytes, got ${bytes.length}`,
      );
    this.int16(bytes.length);
    this.parts.push(bytes);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export class WireReader {
  private readonly buf: Buffer;
  private pos = 0;
  private readonly what: string;
  constructor(buf: Buffer, what: string) {
    this.buf = buf;
    this.what = what;
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new FerryError(
        'MALFORMED_RECORD',
        `${this.what}: needs ${n} more bytes at position ${this.pos}, record has ${this.buf.length}`,
      );
    }
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  int64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  string(): string {
    const n = this.int16();
    if (n < 0) throw new FerryError('MALFORMED_RECORD', `${this.what}: negative STRING length ${n}`);
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
}

import { endianness } from 'node:os';

/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka's v2 record batch, computed by
 * slicing-by-8: eight 256-entry tables (one flat Int32Array), eight input bytes per step. On little-endian hosts
 * the aligned middle of the buffer is read as 32-bit words through a Uint32Array view over the same memory (no
 * copy, no per-byte slicing). Check values: RFC 3720 appendix B.4 (test/records/crc32c.test.ts).
 */

const POLY = 0x82f63b78;
const T = new Int32Array(256 * 8);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[n] = c;
}
for (let k = 1; k < 8; k++)
  for (let n = 0; n < 256; n++) {
    const p = T[(k - 1) * 256 + n]!;
    T[k * 256 + n] = (p >>> 8) ^ T[p & 0xff]!;
  }

const LITTLE_ENDIAN = endianness() === 'LE';

/** Continues a CRC-32C: `crc` is a previous result (0 to start). Returns an unsigned 32-bit value. */
export function crc32cUpdate(crc: number, buf: Uint8Array, start = 0, end = buf.length): number {
  let c = ~crc;
  let i = start;
  if (LITTLE_ENDIAN && end - i >= 64) {
    while (((buf.byteOffset + i) & 3) !== 0) c = T[(c ^ buf[i++]!) & 0xff]! ^ (c >>> 8);
    const pairs = (end - i) >>> 3;
    const u = new Uint32Array(buf.buffer, buf.byteOffset + i, pairs * 2);
    for (let w = 0; w < u.length; w += 2) {
      const lo = c ^ u[w]!;
      const hi = u[w + 1]!;
      c =
        T[1792 + (lo & 0xff)]! ^
        T[1536 + ((lo >>> 8) & 0xff)]! ^
        T[1280 + ((lo >>> 16) & 0xff)]! ^
        T[1024 + (lo >>> 24)]! ^
        T[768 + (hi & 0xff)]! ^
        T[512 + ((hi >>> 8) & 0xff)]! ^
        T[256 + ((hi >>> 16) & 0xff)]! ^
        T[hi >>> 24]!;
    }
    i += pairs * 8;
  } else {
    const stop = end - 8;
    while (i <= stop) {
      const lo = c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
      c =
        T[1792 + (lo & 0xff)]! ^
        T[1536 + ((lo >>> 8) & 0xff)]! ^
        T[1280 + ((lo >>> 16) & 0xff)]! ^
        T[1024 + (lo >>> 24)]! ^
        T[768 + buf[i + 4]!]! ^
        T[512 + buf[i + 5]!]! ^
        T[256 + buf[i + 6]!]! ^
        T[buf[i + 7]!]!;
      i += 8;
    }
  }
  while (i < end) c = T[(c ^ buf[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32C of `buf[start, end)`, unsigned. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  return crc32cUpdate(0, buf, start, end);
}

/*
 * Patching a CRC after a few bytes changed, without reading the rest. CRC-32C is affine over GF(2): for
 * messages of equal length, crc(M ⊕ D) = crc(M) ⊕ R(D), where R is the raw register (zero init, no final xor).
 * When D is zero outside a short head, R(D) = Z^n · R(head of D), Z^n being "append n zero bytes" — a 32×32
 * bit matrix; ZEROS[k] is the one for 2^k bytes (zlib's crc32_combine idea), so applying n zeros costs one
 * matrix-vector product per set bit of n instead of a pass over n bytes.
 */
function matTimes(m: Uint32Array, v: number): number {
  let s = 0;
  for (let i = 0; v !== 0; i++, v >>>= 1) if (v & 1) s ^= m[i]!;
  return s >>> 0;
}

const ZEROS: Uint32Array[] = [];
{
  const one = new Uint32Array(32); // one zero byte: column i = the register with only bit i set, shifted once
  for (let i = 0; i < 32; i++) {
    const c = (1 << i) >>> 0;
    one[i] = (T[c & 0xff]! ^ (c >>> 8)) >>> 0;
  }
  ZEROS.push(one);
  for (let k = 1; k < 32; k++) {
    const prev = ZEROS[k - 1]!;
    const sq = new Uint32Array(32);
    for (let i = 0; i < 32; i++) sq[i] = matTimes(prev, prev[i]!);
    ZEROS.push(sq);
  }
}

/**
 * The CRC-32C of a region after bytes `[0, before.length)` of it changed from `before` to `after` (same length),
 * given the region's CRC before the change and the region's total length. The untouched rest is not read, so
 * a region whose stored CRC was wrong stays wrong (corruption is not laundered).
 */
export function crc32cPatch(
  crc: number,
  before: Uint8Array,
  after: Uint8Array,
  regionLength: number,
): number {
  let c = 0;
  for (let i = 0; i < before.length; i++) c = T[(c ^ before[i]! ^ after[i]!) & 0xff]! ^ (c >>> 8);
  let n = regionLength - before.length;
  for (let k = 0; n > 0; k++, n = Math.floor(n / 2)) if (n % 2 === 1) c = matTimes(ZEROS[k]!, c >>> 0);
  return (crc ^ c) >>> 0;
}

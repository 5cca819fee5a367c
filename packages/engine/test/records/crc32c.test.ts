import { describe, expect, it } from 'vitest';
import { crc32c, crc32cPatch, crc32cUpdate } from '../../src/records/crc32c.ts';

// RFC 3720 (iSCSI) appendix B.4 check values, plus the common "123456789" check value.
// The SCSI Read (10) command PDU of RFC 3720 B.4.
const iscsiRead = Buffer.from(
  '01c00000' +
    '00000000'.repeat(3) +
    '14000000' +
    '00000400' +
    '00000014' +
    '00000018' +
    '28000000' +
    '00000000' +
    '02000000' +
    '00000000',
  'hex',
);

const cases: Array<[string, Buffer, number]> = [
  ['32 bytes of zeroes', Buffer.alloc(32, 0), 0x8a9136aa],
  ['32 bytes of 0xff', Buffer.alloc(32, 0xff), 0x62a8ab43],
  ['32 incrementing bytes', Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
  ['32 decrementing bytes', Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c],
  ['an iSCSI read command PDU', iscsiRead, 0xd9963a56],
  ['"123456789"', Buffer.from('123456789'), 0xe3069283],
  ['nothing', Buffer.alloc(0), 0],
];

/** Bit-at-a-time reference: the definition, no tables. */
function reference(buf: Uint8Array): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('crc32c', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    expect(crc32c(input)).toBe(expected);
  });

  it('matches the bit-at-a-time definition at every alignment and length', () => {
    const big = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff));
    for (let start = 0; start < 9; start++)
      for (const len of [0, 1, 7, 8, 9, 63, 64, 65, 100, 200, 291 - start]) {
        const view = big.subarray(start, start + len);
        expect(crc32c(big, start, start + len), `start ${start} len ${len}`).toBe(reference(view));
        expect(crc32c(view)).toBe(reference(view));
      }
  });

  it('continues across pieces', () => {
    const b = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    expect(crc32cUpdate(crc32c(b, 0, 333), b, 333, 1000)).toBe(crc32c(b));
  });
});

describe('crc32cPatch', () => {
  it('equals a full pass after the head of a region changed, for every length up to 1,100 and large ones', () => {
    const lengths = [...Array.from({ length: 1100 }, (_, i) => i + 36), 4096, 65_537, 1_048_577];
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (const len of lengths) {
      const region = Buffer.alloc(len);
      for (let i = 0; i < len; i++) region[i] = rnd();
      const before = Buffer.from(region.subarray(0, 36));
      const crc = crc32c(region);
      for (let i = 0; i < 36; i += 1 + (rnd() % 5)) region[i] = rnd();
      expect(crc32cPatch(crc, before, region.subarray(0, 36), len), `length ${len}`).toBe(crc32c(region));
    }
  });

  it('keeps a wrong CRC wrong: corruption outside the head is not laundered', () => {
    const region = Buffer.alloc(500, 3);
    const crc = crc32c(region);
    region[300] = 4; // corrupted in transit
    const before = Buffer.from(region.subarray(0, 36));
    region.writeUInt32BE(0xdeadbeef, 20);
    expect(crc32cPatch(crc, before, region.subarray(0, 36), 500)).not.toBe(crc32c(region));
  });
});

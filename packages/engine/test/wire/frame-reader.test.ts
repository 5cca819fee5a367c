import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReader, MAX_FRAME_BYTES } from '../../src/wire/frame-reader.ts';

function framed(bodies: Buffer[]): Buffer {
  return Buffer.concat(
    bodies.flatMap((b) => {
      const h = Buffer.alloc(4);
      h.writeInt32BE(b.length, 0);
      return [h, b];
    }),
  );
}

/** Pushes `stream` through one reused buffer in pieces of the given sizes, scribbling over it after each push. */
function readThrough(stream: Buffer, pieces: number[]): Buffer[] {
  const out: Buffer[] = [];
  const r = new FrameReader((f) => out.push(f));
  const scratch = Buffer.alloc(Math.max(1, ...pieces));
  let at = 0;
  let i = 0;
  while (at < stream.length) {
    const n = Math.min(pieces[i++ % pieces.length] as number, stream.length - at);
    stream.copy(scratch, 0, at, at + n);
    r.push(scratch, 0, n);
    scratch.fill(0xee); // the socket reuses its read buffer: frames must not be views of it
    at += n;
  }
  return out;
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
};

const body = (n: number, seed: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

describe('FrameReader: response frames out of a reused read buffer', () => {
  const bodies = [body(8, 1), body(0, 2), body(1, 3), body(70_000, 4), body(5, 5)];
  const stream = framed(bodies);
  it.each([
    ['all at once', [stream.length]],
    ['one byte at a time', [1]],
    ['3 bytes (a size split across reads)', [3]],
    ['64 KiB reads', [64 * 1024]],
    ['mixed', [2, 7, 65_536, 1, 13]],
  ])('%s', (_, pieces) => {
    const got = readThrough(stream, pieces);
    expect(got.map((f) => f.toString('hex'))).toEqual(bodies.map((b) => b.toString('hex')));
  });

  it('any split of any frames gives the frames back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 10 }),
        (raw, pieces) => {
          const bs = raw.map((u) => Buffer.from(u));
          const got = readThrough(framed(bs), pieces);
          expect(got.map((f) => f.toString('hex'))).toEqual(bs.map((b) => b.toString('hex')));
        },
      ),
    );
  });

  it.each([
    ['a negative size', [0xff, 0xff, 0xff, 0xfe]],
    ['an HTTP answer read as a size', [...Buffer.from('HTTP')]],
    ['a TLS alert read as a size', [0x15, 0x03, 0x03, 0x00]],
    ['one byte over the limit', [...int32(MAX_FRAME_BYTES + 1)]],
  ])('%s is refused as not the Kafka protocol before anything is allocated', (_, bytes) => {
    const r = new FrameReader(() => undefined);
    expect(() => r.push(Buffer.from(bytes))).toThrow(
      expect.objectContaining({
        name: 'NOT_KAFKA_PROTOCOL',
        retriable: false,
        message: expect.stringMatching(/does not speak Kafka/),
      }),
    );
  });

  it('reset drops a partial frame', () => {
    const out: Buffer[] = [];
    const r2 = new FrameReader((f) => out.push(f));
    r2.push(Buffer.from([0, 0, 0, 4, 1, 2]));
    r2.reset();
    r2.push(framed([Buffer.from([9])]));
    expect(out).toEqual([Buffer.from([9])]);
  });
});

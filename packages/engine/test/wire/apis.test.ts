import { describe, expect, it } from 'vitest';
import type { Api } from '../../src/wire/api.ts';
import {
  ALL_APIS,
  fetchApi,
  metadataApi,
  offsetFetchApi,
  offsetFetchResult,
  produceApi,
} from '../../src/wire/apis/index.ts';
import { Reader } from '../../src/wire/protocol/reader.ts';
import type { Field } from '../../src/wire/protocol/schema.ts';
import { Writer } from '../../src/wire/protocol/writer.ts';
import { SAMPLES } from './samples.ts';

/** The fields a version has (recursively), so every field a version carries is checked to survive. */
function project(fields: readonly Field[], obj: unknown, v: number): unknown {
  if (obj === null || obj === undefined) return obj;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (v < f.from || v > f.to) continue;
    const x = (obj as Record<string, unknown>)[f.name];
    if (x === undefined) continue; // not set in the sample: the default goes on the wire
    if (typeof f.type === 'string') out[f.name] = x;
    else if (f.array)
      out[f.name] = (x as unknown[] | null)?.map((it) => project(f.type as Field[], it, v)) ?? x;
    else out[f.name] = project(f.type, x, v);
  }
  return out;
}

const enc = (f: (w: Writer) => void) => {
  const w = new Writer(16);
  f(w);
  return w.toBuffer();
};

function roundTrip(api: Api<unknown, unknown>, v: number, side: 'request' | 'response', value: unknown) {
  const encode = side === 'request' ? api.encodeRequest : api.encodeResponse;
  const decode = side === 'request' ? api.decodeRequest : api.decodeResponse;
  const b1 = enc((w) => encode(w, v, value));
  const r1 = new Reader(b1);
  const decoded = decode(r1, v);
  expect(r1.remaining, `${api.name} v${v} ${side}: bytes left over`).toBe(0);
  const b2 = enc((w) => encode(w, v, decoded));
  expect(b2.toString('hex'), `${api.name} v${v} ${side}: re-encoded bytes differ`).toBe(b1.toString('hex'));
  const again = decode(new Reader(b2), v);
  expect(again).toEqual(decoded);
  return decoded as Record<string, unknown>;
}

describe('every API module round-trips bytes in every version it implements', () => {
  it('covers all fifteen APIs', () => {
    expect(new Set(SAMPLES.map((s) => s.api.name))).toEqual(new Set(ALL_APIS.map((a) => a.name)));
  });
  for (const { api, req, res } of SAMPLES)
    for (let v = api.minVersion; v <= api.maxVersion; v++)
      it(`${api.name} v${v}`, () => {
        const outReq = roundTrip(api, v, 'request', req);
        expect(project(api.requestSchema, outReq, v)).toMatchObject(
          project(api.requestSchema, req, v) as object,
        );
        const outRes = roundTrip(api, v, 'response', res);
        expect(project(api.responseSchema, outRes, v)).toMatchObject(
          project(api.responseSchema, res, v) as object,
        );
      });
});

describe('version-dependent layouts', () => {
  const fetchReq = SAMPLES.find((s) => s.api === fetchApi)?.req;
  it('Fetch v12 names topics, v13 uses topic ids', () => {
    const v12 = enc((w) => fetchApi.encodeRequest(w, 12, fetchReq as never));
    const v13 = enc((w) => fetchApi.encodeRequest(w, 13, fetchReq as never));
    expect(v12.includes(Buffer.from('orders'))).toBe(true);
    expect(v12.includes(Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex'))).toBe(false);
    expect(v13.includes(Buffer.from('orders'))).toBe(false);
    expect(v13.includes(Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex'))).toBe(true);
  });

  it('Produce v12 names topics and is byte for byte v11, v13 uses topic ids in the request and the answer', () => {
    const s = SAMPLES.find((x) => x.api === produceApi)!;
    const id = Buffer.from('6f1c2d3e4a5b4c6d8e7f901234567890', 'hex');
    const [v11, v12, v13] = [11, 12, 13].map((v) =>
      enc((w) => produceApi.encodeRequest(w, v, s.req as never)),
    );
    expect(v12!.equals(v11!)).toBe(true);
    expect(v12!.includes(Buffer.from('orders'))).toBe(true);
    expect(v12!.includes(id)).toBe(false);
    expect(v13!.includes(Buffer.from('orders'))).toBe(false);
    expect(v13!.includes(id)).toBe(true);
    const res13 = enc((w) => produceApi.encodeResponse(w, 13, s.res as never));
    expect(res13.includes(Buffer.from('orders'))).toBe(false);
    expect(res13.includes(id)).toBe(true);
  });

  it('Metadata v1 request: int32 count, int16 name; null topics = all topics (-1)', () => {
    expect(enc((w) => metadataApi.encodeRequest(w, 1, { topics: [{ name: 'ab' }] })).toString('hex')).toBe(
      '0000000100026162',
    );
    expect(enc((w) => metadataApi.encodeRequest(w, 1, { topics: null })).toString('hex')).toBe('ffffffff');
    // v9 flexible: compact array, compact string, tagged fields per struct and at the end; auto-create false
    expect(
      enc((w) =>
        metadataApi.encodeRequest(w, 9, {
          topics: [{ name: 'ab' }],
          allowAutoTopicCreation: false,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        }),
      ).toString('hex'),
    ).toBe('0203616200000000' + '00');
  });

  it('Fetch response: records stay a view into the response buffer (no copy)', () => {
    const res = SAMPLES.find((s) => s.api === fetchApi)?.res;
    const bytes = enc((w) => fetchApi.encodeResponse(w, 17, res as never));
    const out = fetchApi.decodeResponse(new Reader(bytes), 17);
    const rec = out.responses[0]?.partitions[0]?.records as Buffer;
    expect(rec.buffer).toBe(bytes.buffer);
  });

  it('OffsetFetch reads one group from either layout', () => {
    const res = SAMPLES.find((s) => s.api === offsetFetchApi)?.res as never;
    for (const v of [1, 7, 8, 9]) {
      const bytes = enc((w) => offsetFetchApi.encodeResponse(w, v, res));
      const r = offsetFetchResult(offsetFetchApi.decodeResponse(new Reader(bytes), v), v);
      expect(r.topics[0]?.partitions[0]?.committedOffset).toBe(9n);
    }
  });
});

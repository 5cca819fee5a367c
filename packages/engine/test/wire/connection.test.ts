import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { apiVersionsApi } from '../../src/wire/apis/api-versions.ts';
import { endTxnApi } from '../../src/wire/apis/end-txn.ts';
import { metadataApi } from '../../src/wire/apis/metadata.ts';

import { produceApi } from '../../src/wire/apis/produce.ts';
import { Connection } from '../../src/wire/connection.ts';
import { Reader } from '../../src/wire/protocol/reader.ts';
import { Writer } from '../../src/wire/protocol/writer.ts';

/*
 * A scripted broker on loopback (pure unit test: the real ones are in wire.int.test.ts): it answers ApiVersions
 * v3 with UNSUPPORTED_VERSION in the v0 layout, like brokers before 2.4, then serves Metadata v1 in ways a real
 * socket can deliver (split frames, coalesced frames, out of order, never).
 */
interface Req {
  apiKey: number;
  version: number;
  correlationId: number;
  body: Reader;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

function frame(correlationId: number, body: (w: Writer) => void): Buffer {
  const w = new Writer();
  w.int32(correlationId);
  body(w);
  const b = w.toBuffer();
  const size = Buffer.alloc(4);
  size.writeInt32BE(b.length);
  return Buffer.concat([size, b]);
}

async function fakeBroker(onRequest: (req: Req, sock: Socket) => void): Promise<number> {
  server = createServer((sock) => {
    let acc = Buffer.alloc(0);
    sock.on('data', (d) => {
      acc = Buffer.concat([acc, d]);
      while (acc.length >= 4 && acc.length >= 4 + acc.readInt32BE(0)) {
        const n = acc.readInt32BE(0);
        const r = new Reader(acc.subarray(4, 4 + n));
        acc = acc.subarray(4 + n);
        const apiKey = r.int16();
        const version = r.int16();
        const correlationId = r.int32();
        r.nullableString();
        onRequest({ apiKey, version, correlationId, body: r }, sock);
      }
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : 0;
}

/** An ApiVersions answer in the layout of `version` (v0 for UNSUPPORTED_VERSION, as brokers do). */
const apiVersionsV0 =
  (errorCode: number, version = 0) =>
  (w: Writer) =>
    apiVersionsApi.encodeResponse(w, errorCode === 35 ? 0 : version, {
      errorCode,
      apiKeys: [
        { apiKey: 18, minVersion: 0, maxVersion: 2 },
        { apiKey: 3, minVersion: 0, maxVersion: 1 },
      ],
    } as never);

const metadataV1 = (controllerId: number) => (w: Writer) =>
  metadataApi.encodeResponse(w, 1, { brokers: [], controllerId, topics: [] } as never);

describe('Connection against a scripted broker', () => {
  it('falls back to ApiVersions v0 on UNSUPPORTED_VERSION and negotiates from the v0 answer', async () => {
    const seen: number[] = [];
    const port = await fakeBroker((req, sock) => {
      if (req.apiKey === 18) {
        seen.push(req.version);
        sock.write(frame(req.correlationId, apiVersionsV0(req.version === 3 ? 35 : 0, req.version)));
      } else sock.write(frame(req.correlationId, metadataV1(7)));
    });
    const c = await Connection.connect({ host: '127.0.0.1', port, nodeId: -1, clientId: 'test' });
    expect(seen).toEqual([3, 0]);
    expect(c.versionOf(metadataApi)).toBe(1);
    expect(c.versionOf(3)).toBe(1); // by API key
    expect(c.versionOf(1)).toBe(-1); // Fetch: not offered by this broker
    expect((await c.send(metadataApi, { topics: null })).controllerId).toBe(7);
    await c.close();
  });

  it("opt-in versions: negotiation stops below a module's optInFrom, a caller names them; finalized feature levels", async () => {
    const port = await fakeBroker((req, sock) => {
      if (req.apiKey !== 18) return;
      sock.write(
        frame(req.correlationId, (w: Writer) =>
          apiVersionsApi.encodeResponse(w, 3, {
            errorCode: 0,
            apiKeys: [
              { apiKey: 18, minVersion: 0, maxVersion: 4 },
              { apiKey: 0, minVersion: 3, maxVersion: 13 }, // Produce
              { apiKey: 26, minVersion: 0, maxVersion: 5 }, // EndTxn
            ],
            throttleTimeMs: 0,
            supportedFeatures: [],
            finalizedFeaturesEpoch: 1n,
            finalizedFeatures: [{ name: 'transaction.version', maxVersionLevel: 2, minVersionLevel: 2 }],
            zkMigrationReady: false,
          } as never),
        ),
      );
    });
    const c = await Connection.connect({ host: '127.0.0.1', port, nodeId: -1, clientId: 'test' });
    for (const [api, negotiated, asked, upTo] of [
      [produceApi, 11, 13, 13],
      [produceApi, 11, 12, 12],
      [endTxnApi, 4, 5, 5],
      [endTxnApi, 4, 3, 3],
    ] as const) {
      expect(c.versionOf(api), `${api.name} negotiated`).toBe(negotiated);
      expect(c.versionOf(api, upTo), `${api.name} up to ${upTo}`).toBe(asked);
    }
    expect(c.featureLevel('transaction.version')).toBe(2);
    expect(c.featureLevel('share.version')).toBe(0);
    await c.close();
  });

  it('matches answers by correlation id: out of order, split byte by byte, coalesced', async () => {
    const held: Array<[number, Socket]> = [];
    const port = await fakeBroker((req, sock) => {
      if (req.apiKey === 18) return sock.write(frame(req.correlationId, apiVersionsV0(0, req.version)));
      held.push([req.correlationId, sock]);
      if (held.length === 3) {
        // answer 3rd, then 1st and 2nd coalesced, the 3rd one written byte by byte
        const [a, b, c] = held as [[number, Socket], [number, Socket], [number, Socket]];
        const third = frame(c[0], metadataV1(300));
        for (let i = 0; i < third.length; i++) sock.write(third.subarray(i, i + 1));
        sock.write(Buffer.concat([frame(a[0], metadataV1(100)), frame(b[0], metadataV1(200))]));
      }
    });
    const c = await Connection.connect({ host: '127.0.0.1', port, nodeId: 1, clientId: 'test' });
    const got = await Promise.all([1, 2, 3].map(() => c.send(metadataApi, { topics: null })));
    expect(got.map((m) => m.controllerId)).toEqual([100, 200, 300]);
    await c.close();
  });

  it('a request without an answer times out; closing rejects what is pending; both are clear errors', async () => {
    let sock: Socket | undefined;
    const port = await fakeBroker((req, s) => {
      sock = s;
      if (req.apiKey === 18) s.write(frame(req.correlationId, apiVersionsV0(0, req.version)));
    });
    const c = await Connection.connect({ host: '127.0.0.1', port, nodeId: 4, clientId: 'test' });
    await expect(c.send(metadataApi, { topics: null }, { timeoutMs: 50 })).rejects.toMatchObject({
      name: 'REQUEST_TIMED_OUT',
      retriable: true,
    });
    const pending = c.send(metadataApi, { topics: null }, { timeoutMs: 10_000 });
    let closedWith: Error | undefined;
    c.onClose((e) => {
      closedWith = e;
    });
    sock?.destroy();
    await expect(pending).rejects.toMatchObject({ name: 'NETWORK_EXCEPTION', retriable: true });
    await expect(pending).rejects.toThrow(
      /connection to 127\.0\.0\.1:\d+ \(node 4\) (closed by the broker|lost: .*ECONNRESET)/,
    );
    expect(closedWith?.name).toBe('NETWORK_EXCEPTION');
    expect(c.closed).toBe(true);
  });

  it('an API the broker does not offer is refused before sending, naming both ranges', async () => {
    const port = await fakeBroker((req, s) => {
      if (req.apiKey === 18)
        s.write(
          frame(req.correlationId, (w) =>
            apiVersionsApi.encodeResponse(w, req.version, {
              errorCode: 0,
              apiKeys: [
                { apiKey: 18, minVersion: 0, maxVersion: 3 },
                { apiKey: 3, minVersion: 13, maxVersion: 14 },
              ],
            } as never),
          ),
        );
    });
    const c = await Connection.connect({ host: '127.0.0.1', port, nodeId: 1, clientId: 'test' });
    await expect(c.send(metadataApi, { topics: null })).rejects.toThrow(
      /UNSUPPORTED_VERSION.*Metadata: broker supports versions 13-14, Ferry implements 1-12/,
    );
    await c.close();
  });

  it('nothing listening: a retriable NETWORK_EXCEPTION naming the address', async () => {
    const port = await fakeBroker(() => undefined);
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    await expect(
      Connection.connect({ host: '127.0.0.1', port, nodeId: -1, clientId: 't' }),
    ).rejects.toMatchObject({
      name: 'NETWORK_EXCEPTION',
      retriable: true,
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
  });
});

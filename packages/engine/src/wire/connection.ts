import { channel } from 'node:diagnostics_channel';
import dns, { type LookupAddress } from 'node:dns';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { decideBroker, type NetworkPolicy, networkPolicyFromEnv } from '@ferry/core/network-policy';
import type { Api } from './api.ts';
import { type ApiVersionsResponse, apiVersionsApi } from './apis/api-versions.ts';
import { ALL_APIS } from './apis/index.ts';
import { saslAuthenticateApi } from './apis/sasl-authenticate.ts';
import { saslHandshakeApi } from './apis/sasl-handshake.ts';
import type { WireSasl, WireTls } from './config.ts';
import { ErrorCode, KafkaError } from './errors.ts';
import { FrameReader } from './frame-reader.ts';
import { Reader } from './protocol/reader.ts';
import { Writer } from './protocol/writer.ts';
import { authenticateOAuthBearer } from './sasl-oauthbearer.ts';
import { ScramClient } from './scram.ts';

/*
 * One TCP or TLS socket to one broker, many requests in flight (the broker answers in order; responses are
 * matched by correlation id anyway).
 *
 * Frame          => size:int32 bytes[size]
 * RequestHeader  => v1: api_key:int16 api_version:int16 correlation_id:int32 client_id:nullable_string
 *                   v2 (flexible APIs): v1 + tagged_fields
 * ResponseHeader => v0: correlation_id:int32    v1 (flexible, except ApiVersions): v0 + tagged_fields
 *
 * Before any byte is sent, the network policy (@ferry/core/network-policy, FERRY_ALLOWED_BROKERS) judges the
 * broker: an IP literal as it is, a name by every address DNS returns, and the socket connects to exactly those
 * addresses (no second lookup). It applies to every connection — bootstrap servers and the broker addresses
 * metadata and FindCoordinator return. A refusal is a non-retriable NETWORK_POLICY_REFUSED.
 *
 * At connect: ApiVersions v3 (a broker that does not know v3 answers UNSUPPORTED_VERSION in the v0 layout,
 * then v0 is sent), then SaslHandshake v1 + SaslAuthenticate rounds when SASL is configured.
 */
export interface ConnectionOptions {
  host: string;
  port: number;
  /** -1 for a bootstrap connection */
  nodeId: number;
  clientId: string;
  tls?: WireTls;
  sasl?: WireSasl;
  /** The cluster's name in Ferry, named by authentication errors. */
  cluster?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** The installation's network policy; default: FERRY_ALLOWED_BROKERS, read at each connect. */
  policy?: () => NetworkPolicy | null;
}

/**
 * Every request/response pair is published here when someone subscribes (fixture capture, debugging); the
 * library never logs. Message: { broker, apiKey, apiName, version, request, response } with the frames'
 * bytes (size prefix excluded).
 */
export const wireExchangeChannel = channel('ferry.wire.exchange');

export interface WireExchange {
  broker: string;
  apiKey: number;
  apiName: string;
  version: number;
  request: Buffer;
  response: Buffer;
}

interface Pending {
  api: Api<unknown, unknown>;
  version: number;
  request: Buffer | undefined;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

const SOFTWARE_NAME = 'ferry';
const SOFTWARE_VERSION = '0.1.0';

/** Bytes a connection reads at a time (net's default read size). */
const READ_BUFFER_BYTES = 64 * 1024;

export class Connection {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  private readonly o: ConnectionOptions;
  private socket: Socket | undefined;
  private readonly clientId: Buffer;
  private nextCorrelation = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly brokerVersions = new Map<number, { min: number; max: number }>();
  /** Finalized feature levels from ApiVersions (v3+): name → max version level. */
  private readonly features = new Map<string, number>();
  private readonly frames = new FrameReader((f) => this.dispatch(f));
  private closedError: KafkaError | undefined;
  private readonly closeListeners: Array<(e: KafkaError) => void> = [];

  private constructor(o: ConnectionOptions) {
    this.o = o;
    this.nodeId = o.nodeId;
    this.host = o.host;
    this.port = o.port;
    this.clientId = Buffer.from(o.clientId);
  }

  /** Opens the socket, negotiates versions and authenticates. */
  static async connect(o: ConnectionOptions): Promise<Connection> {
    const c = new Connection(o);
    await c.open();
    try {
      await c.negotiate();
      if (o.sasl) await c.authenticate(o.sasl, o.cluster);
    } catch (e) {
      await c.close();
      throw e;
    }
    return c;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  /** Called once when the socket closes (broker restart, error, close()). */
  onClose(fn: (e: KafkaError) => void): void {
    if (this.closedError) fn(this.closedError);
    else this.closeListeners.push(fn);
  }

  /** The broker's range for an API key, as ApiVersions reported it. */
  brokerRange(apiKey: number): { min: number; max: number } | undefined {
    return this.brokerVersions.get(apiKey);
  }

  /**
   * The highest version of `api` (or of Ferry's module for an API key) both sides implement; -1 when none.
   * Versions from the module's `optInFrom` on are only chosen when `upTo` names them.
   */
  versionOf(
    apiOrKey: number | { key: number; minVersion: number; maxVersion: number; optInFrom?: number },
    upTo?: number,
  ): number {
    const api = typeof apiOrKey === 'number' ? ALL_APIS.find((a) => a.key === apiOrKey) : apiOrKey;
    if (!api) return -1;
    const b = this.brokerVersions.get(api.key);
    if (!b) return -1;
    const cap = upTo ?? (api.optInFrom !== undefined ? api.optInFrom - 1 : api.maxVersion);
    const v = Math.min(b.max, api.maxVersion, cap);
    return v < Math.max(b.min, api.minVersion) ? -1 : v;
  }

  /** A finalized feature's level as the broker reported it (e.g. transaction.version); 0 when not finalized. */
  featureLevel(name: string): number {
    return this.features.get(name) ?? 0;
  }

  send<Req, Res>(
    api: Api<Req, Res>,
    req: Req,
    opts: { timeoutMs?: number; version?: number } = {},
  ): Promise<Res> {
    const version = opts.version ?? this.versionOf(api as Api<unknown, unknown>);
    if (version < 0) {
      const b = this.brokerVersions.get(api.key);
      return Promise.reject(
        new KafkaError(
          ErrorCode.UNSUPPORTED_VERSION,
          b
            ? `${api.name}: broker supports versions ${b.min}-${b.max}, Ferry implements ${api.minVersion}-${api.maxVersion}`
            : `${api.name}: the broker does not support this API`,
          { context: { broker: this.address }, retriable: false },
        ),
      );
    }
    return this.request(api, version, req, opts.timeoutMs ?? this.o.requestTimeoutMs ?? 30000);
  }

  private request<Req, Res>(api: Api<Req, Res>, version: number, req: Req, timeoutMs: number): Promise<Res> {
    const socket = this.socket;
    if (this.closedError || !socket) return Promise.reject(this.closedError ?? this.lost('not connected'));
    const correlationId = this.nextCorrelation;
    this.nextCorrelation = this.nextCorrelation >= 0x7fffffff ? 1 : this.nextCorrelation + 1;
    const w = new Writer(128);
    w.int16(api.key).int16(version).int32(correlationId).int16(this.clientId.length).raw(this.clientId);
    if (version >= api.flexibleFrom) w.taggedFields();
    api.encodeRequest(w, version, req);
    const pieces = w.finish();
    let size = 0;
    for (const p of pieces) size += p.length;
    const head = Buffer.allocUnsafe(4);
    head.writeInt32BE(size, 0);
    return new Promise<Res>((resolve, reject) => {
      const p: Pending = {
        api: api as Api<unknown, unknown>,
        version,
        request: wireExchangeChannel.hasSubscribers ? Buffer.concat(pieces) : undefined,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer: undefined,
      };
      if (timeoutMs > 0)
        p.timer = setTimeout(() => {
          if (this.pending.delete(correlationId))
            reject(
              new KafkaError(
                ErrorCode.REQUEST_TIMED_OUT,
                `${api.name} v${version}: no answer within ${timeoutMs} ms`,
                {
                  context: { broker: this.address },
                },
              ),
            );
        }, timeoutMs);
      this.pending.set(correlationId, p);
      socket.cork();
      socket.write(head);
      for (const piece of pieces) socket.write(piece);
      socket.uncork();
    });
  }

  private open(): Promise<void> {
    const { host, port, tls } = this.o;
    const timeoutMs = this.o.connectTimeoutMs ?? 10000;
    const policy = (this.o.policy ?? networkPolicyFromEnv)();
    if (isIP(host)) {
      const d = decideBroker(host, [], policy);
      if (!d.ok) return Promise.reject(policyRefused(d.reason, host, port));
    }
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      // names: judged by what DNS returns, and the socket connects to exactly those addresses
      const lookup = (hostname: string, options: dns.LookupOptions, cb: LookupCallback) => {
        dns.lookup(hostname, { ...options, all: true }, (err, addrs) => {
          if (err) return cb(err, []);
          const d = decideBroker(
            hostname,
            addrs.map((a) => a.address),
            policy,
          );
          if (!d.ok) return cb(Object.assign(new Error(d.reason), { code: POLICY_CODE }), []);
          if (options.all) return cb(null, addrs);
          const first = addrs[0] as LookupAddress;
          cb(null, first.address, first.family);
        });
      };
      const socket = tls
        ? tlsConnect({
            host,
            port,
            lookup,
            ...(tls.ca ? { ca: tls.ca } : {}),
            ...(tls.cert ? { cert: tls.cert } : {}),
            ...(tls.key ? { key: tls.key } : {}),
            ...(tls.passphrase ? { passphrase: tls.passphrase } : {}),
            ...((tls.servername ?? (isIP(host) ? undefined : host))
              ? { servername: tls.servername ?? host }
              : {}),
            rejectUnauthorized: tls.rejectUnauthorized ?? true,
            ...(tls.verifyHostname === false ? { checkServerIdentity: () => undefined } : {}),
          })
        : tcpConnect({
            host,
            port,
            lookup,
            // one read buffer per connection, reused: FrameReader copies each frame out of it
            onread: {
              buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
              callback: (n, buf) => {
                this.onData(buf, n);
                return true;
              },
            },
          });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        fail(
          new KafkaError(
            ErrorCode.NETWORK_EXCEPTION,
            `cannot connect to ${host}:${port}: no connection within ${timeoutMs} ms`,
          ),
        );
        socket.destroy();
      }, timeoutMs);
      const fail = (e: KafkaError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(e);
      };
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.socket = socket;
        resolve();
      });
      if (tls) socket.on('data', (chunk: Buffer) => this.onData(chunk, chunk.length));
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (!settled) fail(connectError(err, host, port, !!tls));
        else this.shutdown(this.lost(`lost: ${err.message}`));
      });
      socket.on('close', () => {
        if (!settled) fail(this.lost('closed while connecting'));
        else this.shutdown(this.lost('closed by the broker'));
      });
    });
  }

  private lost(why: string): KafkaError {
    const node = this.nodeId >= 0 ? ` (node ${this.nodeId})` : '';
    return new KafkaError(ErrorCode.NETWORK_EXCEPTION, `connection to ${this.address}${node} ${why}`);
  }

  private async negotiate(): Promise<void> {
    // Until ApiVersions answers, only ApiVersions may be sent.
    let res = await this.request(
      apiVersionsApi,
      3,
      { clientSoftwareName: SOFTWARE_NAME, clientSoftwareVersion: SOFTWARE_VERSION },
      this.o.requestTimeoutMs ?? 30000,
    );
    if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION)
      res = await this.request(apiVersionsApi, 0, {}, this.o.requestTimeoutMs ?? 30000);
    if (res.errorCode !== 0)
      throw new KafkaError(res.errorCode, 'ApiVersions failed', { context: { broker: this.address } });
    this.setVersions(res);
  }

  private setVersions(res: ApiVersionsResponse): void {
    for (const k of res.apiKeys) this.brokerVersions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
    for (const f of res.finalizedFeatures ?? []) this.features.set(f.name, f.maxVersionLevel);
  }

  private async authenticate(sasl: WireSasl, cluster?: string): Promise<void> {
    const mechanism = sasl.mechanism.toUpperCase();
    const ctx = { context: { broker: this.address, ...(cluster ? { cluster } : {}) }, retriable: false };
    const hs = await this.send(saslHandshakeApi, { mechanism });
    if (hs.errorCode !== 0)
      throw new KafkaError(
        hs.errorCode,
        `SASL mechanism ${mechanism} is not enabled; the broker offers ${hs.mechanisms.join(', ') || 'none'}`,
        ctx,
      );
    const round = async (bytes: Buffer): Promise<Buffer> => {
      const r = await this.send(saslAuthenticateApi, { authBytes: bytes });
      if (r.errorCode !== 0)
        throw new KafkaError(
          r.errorCode,
          `${mechanism} as ${JSON.stringify(sasl.username)}: ${r.errorMessage ?? 'rejected'}`,
          ctx,
        );
      return r.authBytes;
    };
    if (sasl.mechanism === 'oauthbearer') return authenticateOAuthBearer(sasl, round, this.address);
    if (sasl.mechanism === 'plain') {
      await round(Buffer.from(`\u0000${sasl.username}\u0000${sasl.password}`));
      return;
    }
    const scram = new ScramClient(
      sasl.mechanism === 'scram-sha-256' ? 'sha256' : 'sha512',
      sasl.username,
      sasl.password,
    );
    const serverFirst = await round(scram.first());
    let clientFinal: Buffer;
    try {
      clientFinal = scram.final(serverFirst);
    } catch (e) {
      throw new KafkaError(ErrorCode.SASL_AUTHENTICATION_FAILED, (e as Error).message, ctx);
    }
    const serverFinal = await round(clientFinal);
    try {
      scram.verify(serverFinal);
    } catch (e) {
      throw new KafkaError(ErrorCode.SASL_AUTHENTICATION_FAILED, (e as Error).message, ctx);
    }
  }

  private onData(buf: Uint8Array, n: number): void {
    try {
      this.frames.push(buf, 0, n);
    } catch (e) {
      // a stream that is not Kafka's framing: nothing after it can be trusted
      this.shutdown(e instanceof KafkaError ? e : this.lost(`unreadable: ${(e as Error).message}`));
      this.socket?.destroy();
    }
  }

  private dispatch(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const p = this.pending.get(correlationId);
    if (!p) return; // timed out earlier
    this.pending.delete(correlationId);
    if (p.timer) clearTimeout(p.timer);
    try {
      const r = new Reader(frame, 4);
      let version = p.version;
      if (p.api.responseHeaderV0) {
        // ApiVersions: an UNSUPPORTED_VERSION answer comes in the v0 layout whatever was asked.
        if (frame.length >= 6 && frame.readInt16BE(4) === ErrorCode.UNSUPPORTED_VERSION) version = 0;
      } else if (version >= p.api.flexibleFrom) r.taggedFields();
      const decoded = p.api.decodeResponse(r, version);
      if (p.request && wireExchangeChannel.hasSubscribers)
        wireExchangeChannel.publish({
          broker: this.address,
          apiKey: p.api.key,
          apiName: p.api.name,
          version,
          request: p.request,
          response: Buffer.from(frame),
        } satisfies WireExchange);
      p.resolve(decoded);
    } catch (e) {
      p.reject(
        e instanceof KafkaError
          ? e
          : new KafkaError(
              ErrorCode.CORRUPT_MESSAGE,
              `${p.api.name} v${p.version} response: ${(e as Error).message}`,
              {
                context: { broker: this.address },
              },
            ),
      );
    }
  }

  private shutdown(e: KafkaError): void {
    if (this.closedError) return;
    this.closedError = e;
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
    this.frames.reset();
    for (const fn of this.closeListeners.splice(0)) fn(e);
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.shutdown(this.lost('closed by the client'));
    if (!s || s.destroyed) return;
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => {
        s.destroy();
        resolve();
      }, 1000).unref();
    });
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

const POLICY_CODE = 'EPOLICY';

function policyRefused(reason: string, host: string, port: number): KafkaError {
  return new KafkaError(ErrorCode.NETWORK_EXCEPTION, `refused by the network policy: ${reason}`, {
    name: 'NETWORK_POLICY_REFUSED',
    retriable: false,
    context: { broker: `${host}:${port}` },
  });
}

function connectError(err: NodeJS.ErrnoException, host: string, port: number, tls: boolean): KafkaError {
  const code = err.code ?? '';
  if (code === POLICY_CODE) return policyRefused(err.message, host, port);
  const tlsProblem =
    tls &&
    (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME/.test(code) ||
      /certificate|handshake|ssl|tls/i.test(err.message));
  if (tlsProblem)
    return new KafkaError(ErrorCode.NETWORK_EXCEPTION, `TLS with ${host}:${port} failed: ${err.message}`, {
      name: 'TLS_HANDSHAKE_FAILED',
      retriable: false,
      cause: err,
    });
  return new KafkaError(ErrorCode.NETWORK_EXCEPTION, `cannot reach ${host}:${port}: ${err.message}`, {
    cause: err,
  });
}

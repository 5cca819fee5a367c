import type { Reader } from './protocol/reader.ts';
import { type Field, readStruct, writeStruct } from './protocol/schema.ts';
import type { Writer } from './protocol/writer.ts';

/**
 * One Kafka API: its key, the version range Ferry implements, and codecs for both directions (the request
 * side's decoder and the response side's encoder exist for byte round-trip tests and fixtures).
 */
export interface Api<Req, Res> {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible version (request header v2, response header v1, compact encodings, tagged fields). */
  readonly flexibleFrom: number;
  /** ApiVersions answers with response header v0 even in flexible versions, so a client can always read it. */
  readonly responseHeaderV0?: boolean;
  /**
   * Versions from here on change what a request means (transactions V2: a Produce or TxnOffsetCommit that adds
   * its partition or group to the transaction, an EndTxn that bumps the epoch): negotiation stops below it, and
   * only a caller that names the version sends one (Connection.versionOf with `upTo`).
   */
  readonly optInFrom?: number;
  /** The grammar as data (apache/kafka message JSON, transcribed). */
  readonly requestSchema: readonly Field[];
  readonly responseSchema: readonly Field[];
  encodeRequest(w: Writer, version: number, req: Req): void;
  decodeRequest(r: Reader, version: number): Req;
  encodeResponse(w: Writer, version: number, res: Res): void;
  decodeResponse(r: Reader, version: number): Res;
}

export function isFlexible(api: Api<unknown, unknown>, version: number): boolean {
  return version >= api.flexibleFrom;
}

export interface ApiDefinition {
  key: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  flexibleFrom: number;
  responseHeaderV0?: boolean;
  optInFrom?: number;
  request: readonly Field[];
  response: readonly Field[];
}

/** An Api whose bodies are walked from its schema. */
export function defineApi<Req, Res>(d: ApiDefinition): Api<Req, Res> {
  const flex = (v: number) => v >= d.flexibleFrom;
  return {
    key: d.key,
    name: d.name,
    minVersion: d.minVersion,
    maxVersion: d.maxVersion,
    flexibleFrom: d.flexibleFrom,
    ...(d.responseHeaderV0 ? { responseHeaderV0: true } : {}),
    ...(d.optInFrom !== undefined ? { optInFrom: d.optInFrom } : {}),
    requestSchema: d.request,
    responseSchema: d.response,
    encodeRequest: (w, v, req) => writeStruct(w, d.request, req as Record<string, unknown>, v, flex(v)),
    decodeRequest: (r, v) => readStruct(r, d.request, v, flex(v)) as Req,
    encodeResponse: (w, v, res) => writeStruct(w, d.response, res as Record<string, unknown>, v, flex(v)),
    decodeResponse: (r, v) => readStruct(r, d.response, v, flex(v)) as Res,
  };
}

/** Never flexible (SaslHandshake). */
export const NEVER = 0x7fff;

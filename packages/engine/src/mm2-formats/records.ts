import { FerryError } from '../errors.ts';
import { WireReader, WireWriter } from './wire.ts';

/*
 * MM2's internal record formats (connect/mirror-client Checkpoint and Heartbeat, connect/mirror OffsetSync),
 * written so that Java's `Checkpoint.deserializeRecord` / `Heartbeat.deserializeRecord` read them. Types are
 * those of ./wire.ts.
 *
 * Checkpoint  (topic `<source>.checkpoints.internal` on the target)
 *   key   := group STRING, topic STRING, partition INT32         -- topic is the REMOTE topic on the target
 *   value := version INT16 (= 0), upstreamOffset INT64, offset INT64, metadata STRING
 *
 * Heartbeat   (topic `heartbeats`)
 *   key   := sourceClusterAlias STRING, targetClusterAlias STRING
 *   value := version INT16 (= 0), timestamp INT64                -- epoch milliseconds
 *
 * OffsetSync  (topic `mm2-offset-syncs.<target>.internal`; no version header)
 *   key   := topic STRING, partition INT32                       -- the SOURCE topic
 *   value := upstreamOffset INT64, offset INT64
 */

export const MM2_RECORD_VERSION = 0;

export interface Checkpoint {
  group: string;
  /** Remote topic on the target. */
  topic: string;
  partition: number;
  upstreamOffset: bigint;
  downstreamOffset: bigint;
  metadata: string;
}

export interface Heartbeat {
  sourceClusterAlias: string;
  targetClusterAlias: string;
  timestamp: bigint;
}

export interface OffsetSync {
  topic: string;
  partition: number;
  upstreamOffset: bigint;
  downstreamOffset: bigint;
}

export interface RecordBytes {
  key: Buffer;
  value: Buffer;
}

function checkVersion(version: number, what: string): void {
  if (version !== MM2_RECORD_VERSION) {
    throw new FerryError(
      'UNSUPPORTED_RECORD_VERSION',
      `${what}: version ${version}; only version ${MM2_RECORD_VERSION} is defined`,
    );
  }
}

export function encodeCheckpoint(c: Checkpoint): RecordBytes {
  return {
    key: new WireWriter().string(c.group).string(c.topic).int32(c.partition).done(),
    value: new WireWriter()
      .int16(MM2_RECORD_VERSION)
      .int64(c.upstreamOffset)
      .int64(c.downstreamOffset)
      .string(c.metadata)
      .done(),
  };
}

export function decodeCheckpoint(r: RecordBytes): Checkpoint {
  const v = new WireReader(r.value, 'checkpoint value');
  checkVersion(v.int16(), 'checkpoint');
  const upstreamOffset = v.int64();
  const downstreamOffset = v.int64();
  const metadata = v.string();
  const k = new WireReader(r.key, 'checkpoint key');
  return {
    group: k.string(),
    topic: k.string(),
    partition: k.int32(),
    upstreamOffset,
    downstreamOffset,
    metadata,
  };
}

export function encodeHeartbeat(h: Heartbeat): RecordBytes {
  return {
    key: new WireWriter().string(h.sourceClusterAlias).string(h.targetClusterAlias).done(),
    value: new WireWriter().int16(MM2_RECORD_VERSION).int64(h.timestamp).done(),
  };
}

export function decodeHeartbeat(r: RecordBytes): Heartbeat {
  const v = new WireReader(r.value, 'heartbeat value');
  checkVersion(v.int16(), 'heartbeat');
  const timestamp = v.int64();
  const k = new WireReader(r.key, 'heartbeat key');
  return { sourceClusterAlias: k.string(), targetClusterAlias: k.string(), timestamp };
}

export function encodeOffsetSync(s: OffsetSync): RecordBytes {
  return {
    key: new WireWriter().string(s.topic).int32(s.partition).done(),
    value: new WireWriter().int64(s.upstreamOffset).int64(s.downstreamOffset).done(),
  };
}

export function decodeOffsetSync(r: RecordBytes): OffsetSync {
  const k = new WireReader(r.key, 'offset-sync key');
  const v = new WireReader(r.value, 'offset-sync value');
  return { topic: k.string(), partition: k.int32(), upstreamOffset: v.int64(), downstreamOffset: v.int64() };
}

/** MM2's internal topic names (DefaultReplicationPolicy). */
export function checkpointsTopic(sourceAlias: string): string {
  return `${sourceAlias}.checkpoints.internal`;
}
export const HEARTBEATS_TOPIC = 'heartbeats';
export function mm2OffsetSyncsTopic(targetAlias: string): string {
  return `mm2-offset-syncs.${targetAlias}.internal`;
}

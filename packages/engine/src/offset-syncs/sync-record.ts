import { FerryError } from '../errors.ts';
import { WireReader, WireWriter } from '../mm2-formats/wire.ts';

/*
 * Ferry's exact offset sync: one record per produced chunk (one record batch of one target partition), written
 * on the TARGET to `ferry-offset-syncs.<source>.internal` inside the same Kafka transaction as the chunk, so a
 * sync is visible exactly when its records are. Types as in ../mm2-formats/wire.ts.
 *
 *   key   := version INT16 (= 1), sourceTopic STRING, partition INT32, targetBaseOffset INT64
 *   value := version INT16 (= 1), remoteTopic STRING,
 *            fromSource INT64,          -- first source offset this chunk accounts for; -1 = where the previous
 *                                       --   sync of the partition ended (the task resumed from it) or unknown
 *            nextSource INT64,          -- source offset after the chunk's last record
 *            runCount INT32, runCount × (start INT64, length INT32)
 *
 * The chunk's records are the source offsets of the runs, in order; the k-th of them is at target offset
 * targetBaseOffset + k. Source offsets in [fromSource, nextSource) that no run lists were never replicated:
 * compacted away, aborted, or transaction markers. Keys are unique per chunk, so the compacted topic keeps
 * every sync.
 */
export const SYNC_RECORD_VERSION = 1;

export interface SourceRun {
  start: bigint;
  length: number;
}

export interface ExactSync {
  sourceTopic: string;
  partition: number;
  remoteTopic: string;
  targetBaseOffset: bigint;
  /** undefined: continues where the previous sync of the partition ended (or unknown for the first). */
  fromSource: bigint | undefined;
  nextSource: bigint;
  runs: SourceRun[];
}

export function offsetSyncsTopic(sourceAlias: string): string {
  return `ferry-offset-syncs.${sourceAlias}.internal`;
}

/** Source offsets (ascending) → runs of consecutive offsets. */
export function toRuns(offsets: bigint[]): SourceRun[] {
  const runs: SourceRun[] = [];
  for (const o of offsets) {
    const last = runs[runs.length - 1];
    if (last && last.start + BigInt(last.length) === o) last.length++;
    else {
      if (last && o < last.start + BigInt(last.length))
        throw new FerryError(
          'OFFSETS_NOT_ASCENDING',
          `source offset ${o} after ${last.start + BigInt(last.length) - 1n}`,
        );
      runs.push({ start: o, length: 1 });
    }
  }
  return runs;
}

export function runRecords(runs: SourceRun[]): number {
  return runs.reduce((n, r) => n + r.length, 0);
}

export function encodeExactSync(s: ExactSync): { key: Buffer; value: Buffer } {
  const v = new WireWriter()
    .int16(SYNC_RECORD_VERSION)
    .string(s.remoteTopic)
    .int64(s.fromSource ?? -1n)
    .int64(s.nextSource)
    .int32(s.runs.length);
  for (const r of s.runs) v.int64(r.start).int32(r.length);
  return {
    key: new WireWriter()
      .int16(SYNC_RECORD_VERSION)
      .string(s.sourceTopic)
      .int32(s.partition)
      .int64(s.targetBaseOffset)
      .done(),
    value: v.done(),
  };
}

export function decodeExactSync(r: { key: Buffer; value: Buffer }): ExactSync {
  const k = new WireReader(r.key, 'offset sync key');
  const kv = k.int16();
  if (kv !== SYNC_RECORD_VERSION)
    throw new FerryError('UNSUPPORTED_RECORD_VERSION', `offset sync key version ${kv}`);
  const sourceTopic = k.string();
  const partition = k.int32();
  const targetBaseOffset = k.int64();
  const v = new WireReader(r.value, 'offset sync value');
  const vv = v.int16();
  if (vv !== SYNC_RECORD_VERSION)
    throw new FerryError('UNSUPPORTED_RECORD_VERSION', `offset sync value version ${vv}`);
  const remoteTopic = v.string();
  const from = v.int64();
  const nextSource = v.int64();
  const n = v.int32();
  const runs: SourceRun[] = [];
  for (let i = 0; i < n; i++) runs.push({ start: v.int64(), length: v.int32() });
  return {
    sourceTopic,
    partition,
    remoteTopic,
    targetBaseOffset,
    fromSource: from < 0n ? undefined : from,
    nextSource,
    runs,
  };
}

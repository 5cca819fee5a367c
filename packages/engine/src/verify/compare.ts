import { hash } from 'node:crypto';

/*
 * Record-by-record comparison of a source partition with its remote partition. Pure: no I/O. The reader hands
 * over records of both sides (in any order), this module keeps a fingerprint of each (never its bytes: memory
 * stays bounded by the number of records and no record content ever reaches a report) and counts, per
 * replicated record, whether the target holds the same key, value, headers and timestamp at the target offset
 * the exact offset syncs give for it.
 *
 * Headers are compared as the list Kafka stores: the same keys and values (null values included) in the same
 * order, the order between different keys too (both sides are read over Ferry's wire layer, which keeps the wire
 * order). The timestamp type is compared too: Ferry writes every replicated record with CreateTime (a source's
 * LogAppendTime becomes CreateTime carrying the source's append time, ADR 0003), so a source record is expected
 * on the target as CreateTime (`asReplicated`).
 */

export type RecordHeaders = ReadonlyArray<readonly [string, Buffer | null]>;

/** A record as read from either cluster. */
export interface RecordView {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
  timestampMs: number;
  /** Default 'create'. */
  timestampType?: 'create' | 'log-append';
}

/** What a source record must look like on the target: the same, with CreateTime (ADR 0003). */
export function asReplicated<R extends RecordView>(r: R): R {
  return r.timestampType === 'log-append' ? { ...r, timestampType: 'create' } : r;
}

/**
 * What is kept of a record: a fingerprint and the size of each field. Compact on purpose (about 150 bytes a
 * record): a verification holds one per compared record on each side.
 */
export interface RecordDigest {
  /**
   * Fingerprints of the key, the value and the header list (in order), FP_BYTES each, as one latin1 string;
   * a null key or value, and no headers, fingerprint as zeros (the sizes tell null from empty).
   */
  fp: string;
  /** -1 for a null key. */
  keySize: number;
  /** -1 for a null value (a tombstone). */
  valueSize: number;
  headerCount: number;
  /** The header keys in their order ("trace, h1, h1"), for the words of a difference. */
  headerKeys: string;
  timestampMs: number;
  logAppendTime: boolean;
}

export type DifferenceField = 'key' | 'value' | 'headers' | 'timestamp';

export interface FieldDifference {
  field: DifferenceField;
  /** The difference in words (sizes and header keys, never record content). */
  detail: string;
}

/** 128 bits of SHA-256 per field: collisions are not a practical concern for telling records apart. */
const FP_BYTES = 16;

/** Records of one topic mostly share their header keys: one string per distinct set, not one per record. */
const headerKeyStrings = new Map<string, string>();
function intern(s: string): string {
  const have = headerKeyStrings.get(s);
  if (have !== undefined) return have;
  if (headerKeyStrings.size >= 10_000) headerKeyStrings.clear();
  headerKeyStrings.set(s, s);
  return s;
}

/** The canonical bytes of a record's header list (in order, null values marked) and the words for its keys. */
function canonicalHeaders(headers: RecordHeaders): { bytes: Buffer; keys: string } {
  const parts: Buffer[] = [];
  const keys: string[] = [];
  const len = (n: number) => {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(n);
    return b;
  };
  for (const [k, v] of headers) {
    const kb = Buffer.from(k);
    parts.push(len(kb.length), kb, len(v === null ? -1 : v.length));
    if (v) parts.push(v);
    keys.push(k);
  }
  const words = keys.join(', ');
  return { bytes: Buffer.concat(parts), keys: words.length > 200 ? `${words.slice(0, 199)}…` : words };
}

export function digestRecord(r: RecordView): RecordDigest {
  const fp = Buffer.alloc(3 * FP_BYTES);
  if (r.key) hash('sha256', r.key, 'buffer').copy(fp, 0, 0, FP_BYTES);
  if (r.value) hash('sha256', r.value, 'buffer').copy(fp, FP_BYTES, 0, FP_BYTES);
  let headerKeys = '';
  if (r.headers.length > 0) {
    const h = canonicalHeaders(r.headers);
    hash('sha256', h.bytes, 'buffer').copy(fp, 2 * FP_BYTES, 0, FP_BYTES);
    headerKeys = intern(h.keys);
  }
  return {
    fp: fp.toString('latin1'),
    keySize: r.key?.length ?? -1,
    valueSize: r.value?.length ?? -1,
    headerCount: r.headers.length,
    headerKeys,
    timestampMs: r.timestampMs,
    logAppendTime: r.timestampType === 'log-append',
  };
}

const part = (d: RecordDigest, i: number) => d.fp.slice(i * FP_BYTES, (i + 1) * FP_BYTES);

const size = (n: number, what: string) =>
  n < 0 ? `null${what === 'value' ? ' (a tombstone)' : ''}` : `${n} byte${n === 1 ? '' : 's'}`;

function bytesDifference(what: 'key' | 'value', s: RecordDigest, t: RecordDigest): string | undefined {
  const i = what === 'key' ? 0 : 1;
  const ss = what === 'key' ? s.keySize : s.valueSize;
  const ts = what === 'key' ? t.keySize : t.valueSize;
  if (ss === ts && part(s, i) === part(t, i)) return undefined;
  if (ss === ts) return `${what} differs: same size (${size(ss, what)}), different bytes`;
  return `${what} differs: source ${what} is ${size(ss, what)}, target ${what} is ${size(ts, what)}`;
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** The first field (key, value, headers, timestamp) in which two records differ, or undefined when identical. */
export function compareDigests(source: RecordDigest, target: RecordDigest): FieldDifference | undefined {
  if (
    source.fp === target.fp &&
    source.keySize === target.keySize &&
    source.valueSize === target.valueSize &&
    source.headerCount === target.headerCount &&
    source.timestampMs === target.timestampMs &&
    source.logAppendTime === target.logAppendTime
  )
    return undefined;
  const key = bytesDifference('key', source, target);
  if (key) return { field: 'key', detail: key };
  const value = bytesDifference('value', source, target);
  if (value) return { field: 'value', detail: value };
  if (source.headerCount !== target.headerCount || part(source, 2) !== part(target, 2)) {
    const words = (d: RecordDigest) => (d.headerCount === 0 ? 'none' : `${d.headerCount} (${d.headerKeys})`);
    const sorted = (d: RecordDigest) => d.headerKeys.split(', ').sort().join(', ');
    return {
      field: 'headers',
      detail:
        source.headerKeys === target.headerKeys
          ? `headers differ: same keys in the same order (${source.headerKeys}), a value differs`
          : source.headerCount === target.headerCount && sorted(source) === sorted(target)
            ? `headers differ: the same keys in another order (source ${source.headerKeys}; target ${target.headerKeys})`
            : `headers differ: source has ${words(source)}, target has ${words(target)}`,
    };
  }
  if (source.timestampMs === target.timestampMs) {
    const type = (d: RecordDigest) => (d.logAppendTime ? 'LogAppendTime' : 'CreateTime');
    return {
      field: 'timestamp',
      detail: `timestamp type differs: expected ${type(source)}, target has ${type(target)} (same timestamp ${iso(source.timestampMs)})`,
    };
  }
  const delta = target.timestampMs - source.timestampMs;
  return {
    field: 'timestamp',
    detail: `timestamp differs: source ${iso(source.timestampMs)}, target ${iso(target.timestampMs)} (${delta > 0 ? '+' : ''}${delta} ms; a remote topic with message.timestamp.type=LogAppendTime rewrites timestamps)`,
  };
}

/** Where one replicated source record must be on the target (from the exact offset syncs). */
export interface ExpectedPair {
  sourceOffset: bigint;
  targetOffset: bigint;
}

/** A half-open range of target offsets [start, end) the offset syncs account for. */
export interface TargetRange {
  start: bigint;
  end: bigint;
}

type Lazy<T> = T | (() => T);

/** Ranges sorted by start, overlapping and adjacent ones merged. */
export function mergeRanges(ranges: readonly TargetRange[]): TargetRange[] {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: TargetRange[] = [];
  for (const r of sorted) {
    if (r.end <= r.start) continue;
    const last = out[out.length - 1];
    if (last && r.start <= last.end) {
      if (r.end > last.end) last.end = r.end;
    } else out.push({ ...r });
  }
  return out;
}

/** Whether `offset` lies in one of the merged, sorted ranges. */
function within(ranges: readonly TargetRange[], offset: bigint): boolean {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid]!.end <= offset) lo = mid + 1;
    else hi = mid;
  }
  const r = ranges[lo];
  return r !== undefined && r.start <= offset && offset < r.end;
}

export interface Difference {
  /** The replicated source record concerned; for an extra target record, the source record whose copy follows it (or the position). */
  sourceOffset: bigint;
  targetOffset?: bigint;
  field: DifferenceField | 'missing' | 'extra';
  detail: string;
}

export interface PartitionCounts {
  /** Replicated records compared (those whose source record still exists), plus source records never replicated. */
  checked: number;
  matched: number;
  /** On the source, absent from the target (no record at the synced target offset, or never replicated). */
  missing: number;
  /** Present on both sides, different in key, value, headers or timestamp. */
  mismatched: number;
  /** On the target inside the compared range, accounted for by no offset sync (not written by this flow). */
  extra: number;
  /** Replicated records the source no longer holds (compacted or deleted by retention since): not compared. */
  sourceGone: number;
  firstDifference?: Difference;
}

/**
 * The comparison of one partition. Built from the plan (expected pairs, target ranges the syncs account for,
 * the replicated position); fed with the source records of [sourceFrom, position) and the target records of
 * the scanned target range, in any order; `result()` compares.
 */
export class PartitionCheck {
  private readonly pairs: readonly ExpectedPair[];
  /** Offset (as a number: exact below 2^53) → index of its pair. */
  private readonly bySource = new Map<number, number>();
  private readonly byTarget = new Map<number, number>();
  private readonly source: Array<RecordDigest | undefined>;
  private readonly target: Array<RecordDigest | undefined>;
  private readonly covered: readonly TargetRange[];
  private readonly position: bigint;
  private readonly sourceFrom: bigint;
  private notReplicated = 0;
  private firstNotReplicated: bigint | undefined;
  private extras = 0;
  private firstExtra: bigint | undefined;
  /** Target records past the last range the syncs account for: extra unless a sync read later covers them. */
  private readonly tailFrom: bigint | undefined;
  private tail: bigint[] = [];
  private late: TargetRange[] = [];

  /**
   * `tailFrom`: where the syncs read so far end on the target. A record past it may belong to a transaction
   * whose sync was not visible yet when the syncs were read (Kafka writes a transaction's markers to its
   * partitions one by one): it stays a candidate until `addCovered` (a later read of the syncs) or `result`.
   */
  constructor(plan: {
    pairs: readonly ExpectedPair[];
    covered: readonly TargetRange[];
    position: bigint;
    tailFrom?: bigint;
  }) {
    this.pairs = plan.pairs;
    this.covered = plan.covered;
    this.tailFrom = plan.tailFrom;
    this.position = plan.position;
    this.sourceFrom = plan.pairs[0]?.sourceOffset ?? plan.position;
    plan.pairs.forEach((p, i) => {
      this.bySource.set(Number(p.sourceOffset), i);
      this.byTarget.set(Number(p.targetOffset), i);
    });
    this.source = new Array(plan.pairs.length);
    this.target = new Array(plan.pairs.length);
  }

  /** A source record read in [sourceFrom, position); others are ignored. The digest may be given lazily. */
  addSource(offset: bigint, r: Lazy<RecordDigest>): void {
    if (offset < this.sourceFrom || offset >= this.position) return;
    const i = this.bySource.get(Number(offset));
    if (i !== undefined) {
      this.source[i] = typeof r === 'function' ? r() : r;
      return;
    }
    // a visible source record inside the compared range that no offset sync lists: it was never copied
    this.notReplicated++;
    if (this.firstNotReplicated === undefined || offset < this.firstNotReplicated)
      this.firstNotReplicated = offset;
  }

  /** A target record read in the scanned range. The digest may be given lazily (only compared ones need it). */
  addTarget(offset: bigint, r: Lazy<RecordDigest>): void {
    const i = this.byTarget.get(Number(offset));
    if (i !== undefined) {
      this.target[i] = typeof r === 'function' ? r() : r;
      return;
    }
    if (this.isCovered(offset)) return; // written by the flow, outside the compared window (or a duplicate)
    if (this.tailFrom !== undefined && offset >= this.tailFrom && this.tail.length < 100_000) {
      this.tail.push(offset);
      return;
    }
    this.extra(offset);
  }

  private extra(offset: bigint): void {
    this.extras++;
    if (this.firstExtra === undefined || offset < this.firstExtra) this.firstExtra = offset;
  }

  /** Target records past the syncs read so far, not yet known to be the flow's. */
  hasTailCandidates(): boolean {
    return this.tail.length > 0;
  }

  /** A target range a sync read later accounts for. */
  addCovered(r: TargetRange): void {
    this.late.push(r);
  }

  private isCovered(offset: bigint): boolean {
    return within(this.covered, offset);
  }

  result(): PartitionCounts {
    const late = mergeRanges(this.late);
    for (const o of this.tail) if (!within(late, o)) this.extra(o);
    this.tail = [];
    const c: PartitionCounts = { checked: 0, matched: 0, missing: 0, mismatched: 0, extra: 0, sourceGone: 0 };
    const diffs: Difference[] = [];
    this.pairs.forEach((p, i) => {
      const s = this.source[i];
      if (!s) {
        c.sourceGone++;
        return;
      }
      c.checked++;
      const t = this.target[i];
      if (!t) {
        c.missing++;
        if (c.missing === 1)
          diffs.push({
            sourceOffset: p.sourceOffset,
            targetOffset: p.targetOffset,
            field: 'missing',
            detail: `source offset ${p.sourceOffset} was replicated to target offset ${p.targetOffset}, which holds no record now (deleted on the target, or the remote topic was recreated)`,
          });
        return;
      }
      const d = compareDigests(s, t);
      if (!d) {
        c.matched++;
        return;
      }
      c.mismatched++;
      if (c.mismatched === 1)
        diffs.push({ sourceOffset: p.sourceOffset, targetOffset: p.targetOffset, ...d });
    });
    if (this.notReplicated > 0) {
      c.checked += this.notReplicated;
      c.missing += this.notReplicated;
      diffs.push({
        sourceOffset: this.firstNotReplicated!,
        field: 'missing',
        detail: `source offset ${this.firstNotReplicated} holds a committed record that no offset sync lists: it was never copied to the target`,
      });
    }
    if (this.extras > 0) {
      c.extra = this.extras;
      const t = this.firstExtra!;
      const next = this.pairs.find((p) => p.targetOffset > t);
      diffs.push({
        sourceOffset: next?.sourceOffset ?? this.position,
        targetOffset: t,
        field: 'extra',
        detail: `target offset ${t} holds a record that no offset sync accounts for: it was not written by this flow (produced directly into the remote topic, or left by a retried write)${next ? `; it sits before the copy of source offset ${next.sourceOffset}` : '; it sits after the last replicated record'}`,
      });
    }
    diffs.sort((a, b) =>
      a.sourceOffset !== b.sourceOffset
        ? a.sourceOffset < b.sourceOffset
          ? -1
          : 1
        : Number((a.targetOffset ?? -1n) - (b.targetOffset ?? -1n)),
    );
    if (diffs[0]) c.firstDifference = diffs[0];
    return c;
  }
}

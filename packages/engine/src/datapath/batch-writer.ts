import { FerryError } from '../errors.ts';
import {
  BATCH_HEADER_SIZE,
  buildBatch,
  type Compression,
  coalescable,
  coalesceBatches,
  coalescedSizeBound,
  decodeRecords,
  type RawBatch,
  type RebuildReason,
  rebuildReason,
  recordSize,
  rewriteBatch,
  rewriteBatchInPlace,
  rewriteInto,
  sourceRuns,
  type WireRecord,
} from '../records/index.ts';

import {
  addOffsetsToTxnApi,
  addPartitionsToTxnApi,
  type Connection,
  ErrorCode,
  endTxnApi,
  initProducerIdApi,
  KafkaError,
  LATEST,
  listOffsetsApi,
  offsetCommitApi,
  type ProducePartitionResponse,
  produceApi,
  txnOffsetCommitApi,
  type WireCluster,
} from '../wire/index.ts';

/*
 * The target half of the data path over Ferry's wire layer (contract: /work/wt/DATAPATH-CONTRACT.md). Additions
 * to the contract: WriteItem.fromOffset, WrittenBatch.sourceOffsets (rebuilt batches with gaps),
 * stats().rebuildReasons / rebuiltSourceBytes / trimmedBatches / transactions / produceRequests, constructor options requestTimeoutMs / maxInFlightPerBroker / maxRequestBytes /
 * inPlace / rebuildCompression.
 *
 * One `write` = one transaction (exactly-once) or one idempotent round of produces (at-least-once):
 *   1. each fetched batch becomes one or more target batches: forwarded as bytes (rewriteBatch: producer id,
 *      epoch, base sequence, transactional bit, CRC) unless rebuildReason says the broker would refuse it; then
 *      decoded and rebuilt with the same codec (several batches when it is larger than max.message.bytes).
 *      Consecutive small uncompressed batches of a partition are coalesced into one (records/coalesce.ts, up to
 *      `coalesceBytes`): a produce request takes one batch per partition, so a partition's k-th batch costs a k-th
 *      round (one more append per partition on the broker); many light partitions write batches of a few records.
 *   2. AddPartitionsToTxn once per partition per transaction: the data's and the partitions the extra records
 *      will go to (`extraPartitions`, named by the caller in advance) in one request; with positions,
 *      AddOffsetsToTxn right behind it and TxnOffsetCommit while the records are produced (the positions do not
 *      depend on the produce; everything commits or aborts together at EndTxn). Each such round trip is on the
 *      path of every record: at a fixed rate a record waits for the write in flight, then for its own.
 *   3. Produce: a partition gets one batch per request (brokers take exactly one per partition from v3), so the
 *      k-th batches of all partitions led by one broker go in one request ("round" k), and the rounds to a
 *      broker are pipelined on its connection (at most maxInFlightPerBroker in flight; the idempotent producer
 *      allows 5 per partition and one connection keeps them in order). acks=-1.
 *   4. `extra` records (offset syncs) are built from the target base offsets the produce responses returned,
 *      and produced in the same transaction (a partition not named in advance joins it first). A named
 *      partition that gets no extra record stays in the transaction (it only gets the commit marker).
 *   5. exactly-once: EndTxn(commit) once the produces and the TxnOffsetCommit are answered.
 *      at-least-once: OffsetCommit of the positions once every produce is acknowledged.
 * Transactions V2 (KIP-890 part 2; `transactionVersion`, used where the target offers it: Kafka 4.1+): no
 * AddPartitionsToTxn and no AddOffsetsToTxn (the partition leaders and the group coordinator add what a Produce
 * v13 or TxnOffsetCommit v5 names), produces name topics by id, and every EndTxn (v5) answers the epoch the next
 * transaction uses (sequences from 0 again). A write is then three round trips on every record's path (produce,
 * the extra records' produce, EndTxn) instead of four.
 * A retriable failure is retried inside `write` (the whole write again, under a new epoch; `extra` is called again
 * with the new attempt's results) — except an unconfirmed commit: EndTxn(commit) is retried as the coordinator
 * allows (a repeated commit of a completed transaction succeeds), and if it stays unconfirmed the write fails with
 * TRANSACTION_OUTCOME_UNKNOWN (not retriable: the caller resumes from the committed positions). Any failure aborts the transaction (best effort) and re-initialises the producer before the next write
 * (InitProducerId with the same transactional id bumps the epoch and aborts what was open), so sequence
 * numbers restart from 0 and nothing half-written becomes visible. Fencing (a newer process initialised the
 * same transactional id) is a FerryError 'TASK_FENCED', not retriable, with `type` = the Kafka error name.
 *
 * Remote topic ids (issue #12, "target topic deleted"): the writer remembers the id of each remote topic it
 * writes (the first id its metadata shows, or the one the task checked at its start, `expectTopicIds`). Before
 * every attempt (exactly once on V1: asked beside AddPartitionsToTxn, the produce waits for both), again after
 * the leaders are looked up for the produce, and (transactional) once more after the produce and before the
 * commit, the id in the metadata must still be that one. On transactions V2 the produce itself names the id: a
 * re-created topic refuses it (UNKNOWN_TOPIC_ID, then fresh metadata names the change), so neither check is
 * asked once the ids are known: a remote topic deleted (and re-created by discovery) under a running flow would otherwise take the
 * task's records from its position on while everything below it is gone. A changed id, or the topic gone, is a
 * FerryError 'TARGET_TOPIC_RECREATED' (not retriable in place): the task fails before anything is written into
 * the new topic and restarts, and its start re-copies the partition (TaskRunner.checkRemoteIds). The metadata
 * of the written topics is asked again before every write (`topicIdCheckMs`), so a topic deleted and re-created
 * between two writes, with no produce error in between, is noticed too (a produce names the topic, not its id).
 * The check after the produce closes the window between the first check and the produce (Produce v11 names the
 * topic; v13 would name its id): a transaction whose records went into a re-created topic is aborted, never
 * committed, so the new topic holds only aborted records and markers, which the restarted task's start
 * recognises as nothing written (TaskRunner.checkRemoteIds). Without exactly-once there is nothing to abort: the
 * window stays (docs/reliability.md).
 */

export interface WriteItem {
  remoteTopic: string;
  partition: number;
  sourceTopic: string;
  /** The remote topic's max.message.bytes: larger batches are rebuilt into several. */
  maxMessageBytes: number;
  batches: RawBatch[];
  /**
   * The partition's position: records below it are already on the target. A batch that starts before it (the
   * position is inside a batch, e.g. one committed by the record-by-record writer) is rebuilt from its records
   * at or after it; a batch wholly before it is skipped.
   */
  fromOffset?: bigint;
}

export interface WrittenBatch {
  remoteTopic: string;
  partition: number;
  sourceBaseOffset: bigint;
  sourceLastOffset: bigint;
  /** From the produce response: the offset of this batch's first record on the target. */
  targetBaseOffset: bigint;
  records: number;
  /** Bytes sent for this batch (target batch size). */
  bytes: number;
  rebuilt: boolean;
  /** Source offsets of the records, in order, when they are not contiguous (a rebuilt batch with gaps). */
  sourceOffsets?: bigint[];
  /**
   * A coalesced batch whose source batches had gaps between them (markers, aborted or compacted-away batches):
   * its records' source offsets as runs of consecutive offsets, in order (no array per record).
   */
  sourceRuns?: Array<{ start: bigint; length: number }>;
}

export interface PositionUpdate {
  remoteTopic: string;
  partition: number;
  next: bigint;
}

/** A target partition. */
export interface PartitionRef {
  topic: string;
  partition: number;
}

export interface ExtraRecords {
  topic: string;
  partition: number;
  records: WireRecord[];
}

export interface BatchWriterStats {
  forwardedBytes: number;
  rebuiltBytes: number;
  forwardedBatches: number;
  rebuiltBatches: number;
  /** Source bytes of the batches that had to be rebuilt. */
  rebuiltSourceBytes: number;
  /** Batches that started before the item's fromOffset (rebuilt from the position on, or skipped). */
  trimmedBatches: number;
  rebuildReasons: Record<RebuildReason, number>;
  transactions: number;
  /** Transactions ended with an abort (a failed attempt of a write; each is retried under a new epoch). */
  abortedTransactions: number;
  produceRequests: number;
  /** Source batches written as part of a coalesced batch, and the coalesced batches they became. */
  coalescedSourceBatches: number;
  coalescedBatches: number;
}

export interface BatchWriterOptions {
  cluster: WireCluster;
  /** Set: exactly-once (transactions). Unset: idempotent producer, positions committed after the acks. */
  transactionalId?: string;
  positionsGroup: string;
  transactionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Produce requests in flight per broker connection (≤ 5, the idempotent producer's limit). Default 5. */
  maxInFlightPerBroker?: number;
  /** Bytes of record batches per produce request before another request is started. Default 8 MiB. */
  maxRequestBytes?: number;
  /** Rewrite the fetched buffers themselves instead of a copy (the caller does not read them afterwards). */
  inPlace?: boolean;
  /** How long `write` retries retriable failures (each retry: new epoch, the whole write again). Default 30 s. */
  retryDeadlineMs?: number;
  /** Codec of rebuilt batches; default: the source batch's own. */
  rebuildCompression?: Compression;
  /** How old a remote topic's id may be before a write asks the metadata again. Default 0: every write. */
  topicIdCheckMs?: number;
  /**
   * Largest batch built by coalescing consecutive small uncompressed batches of a partition (see
   * records/coalesce.ts; also capped by the topic's max.message.bytes). Batches of at most a quarter of it join.
   * Default 1 MiB; 0: every batch is forwarded as it came.
   */
  coalesceBytes?: number;
  /**
   * Exactly once: 'auto' (default) writes transactions V2 (KIP-890 part 2) with produces by topic id where the
   * target offers both (transaction.version >= 2 finalized, Produce v13, EndTxn v5, TxnOffsetCommit v5: Kafka
   * 4.1+); 1 always writes V1 (AddPartitionsToTxn, AddOffsetsToTxn, produces by topic name).
   */
  transactionVersion?: 'auto' | 1;
}

/** Metadata topic error codes the remote-id check decides on: none, or the topic does not exist. */
export function topicGoneOrOk(code: number): boolean {
  return code === 0 || code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || code === ErrorCode.UNKNOWN_TOPIC_ID;
}

/** Before Metadata v10 brokers send no topic ids (all zeros): no check is possible. */
const NO_TOPIC_ID = '00000000-0000-0000-0000-000000000000';

/** One target batch waiting for its produce: bytes with sequence fields set at send time. */
interface Piece {
  topic: string;
  partition: number;
  /** A forwarded batch: the source batch. */
  raw?: RawBatch;
  /** A rebuilt batch (or extra records), built with placeholder producer fields, set at send time. */
  built?: Buffer;
  count: number;
  sourceBaseOffset: bigint;
  sourceLastOffset: bigint;
  sourceOffsets?: bigint[];
  sourceRuns?: Array<{ start: bigint; length: number }>;
  rebuilt: boolean;
  /** A coalesced batch (`built`): how many source batches it holds. */
  coalesced?: number;
  /** index into the result list, or -1 for extra records */
  result: number;
}

const FENCED_CODES = new Set<number>([
  90, // PRODUCER_FENCED
  47, // INVALID_PRODUCER_EPOCH
  53, // TRANSACTIONAL_ID_AUTHORIZATION_FAILED
  52, // TRANSACTION_COORDINATOR_FENCED
]);
/** Transaction-coordinator answers that mean "ask again shortly". */
const TXN_RETRY = new Set<number>([
  ErrorCode.CONCURRENT_TRANSACTIONS,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.NETWORK_EXCEPTION,
]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * First back-off after CONCURRENT_TRANSACTIONS, doubling per try (to 200 ms). A write's AddPartitionsToTxn comes
 * right after the previous write's EndTxn, often while the coordinator is still writing that transaction's
 * markers (a few ms on a local broker): with 10 ms, back-to-back one-record writes took 9 ms on average (p99
 * 20-30 ms), with 1 ms 3-4.5 ms (p99 9-11 ms) on this machine (docs/benchmarks.md, "CONCURRENT_TRANSACTIONS").
 */
const CONCURRENT_TXN_FIRST_BACKOFF_MS = 1;
const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class BatchWriter {
  private readonly o: BatchWriterOptions;
  private readonly cluster: WireCluster;
  private producerId = -1n;
  private producerEpoch = -1;
  private readonly sequences = new Map<string, number>();
  /** Target partitions whose leader has answered for them (see ensureWritable). */
  private readonly writable = new Set<string>();
  private needsInit = true;
  /** Transactions V2 with produces by topic id (decided at each InitProducerId, see `transactionVersion`). */
  private v2 = false;
  /** A partition or the positions group was added to the current transaction. */
  private txnOpen = false;
  /** EndTxn(commit) is in flight. */
  private committing = false;
  /** Remote topic → the id of the topic this writer writes (see the header: remote topic ids). */
  private readonly topicIds = new Map<string, string>();
  /** Remote topic → when its id was last read from fresh metadata. */
  private readonly idCheckedAt = new Map<string, number>();
  private readonly counters: BatchWriterStats = {
    forwardedBytes: 0,
    rebuiltBytes: 0,
    forwardedBatches: 0,
    rebuiltBatches: 0,
    rebuiltSourceBytes: 0,
    trimmedBatches: 0,
    rebuildReasons: { 'offset-gap': 0, 'too-large': 0, 'old-format': 0, 'log-append-time': 0 },
    transactions: 0,
    abortedTransactions: 0,
    produceRequests: 0,
    coalescedSourceBatches: 0,
    coalescedBatches: 0,
  };

  constructor(o: BatchWriterOptions) {
    this.o = o;
    this.cluster = o.cluster;
  }

  get transactional(): boolean {
    return this.o.transactionalId !== undefined;
  }

  /** The transaction protocol in use after start: 2 (KIP-890 part 2, produces by topic id), 1, or 0 (none). */
  get transactionVersion(): 0 | 1 | 2 {
    return !this.transactional ? 0 : this.v2 ? 2 : 1;
  }

  /** The producer id and epoch in use (after start). */
  get producer(): { producerId: bigint; producerEpoch: number } {
    return { producerId: this.producerId, producerEpoch: this.producerEpoch };
  }

  /** The remote topics' ids as the task checked them at its start: writes into any other topic fail. */
  expectTopicIds(ids: Map<string, string>): void {
    for (const [t, id] of ids) if (id && id !== NO_TOPIC_ID) this.topicIds.set(t, id);
  }

  /** The id of the remote topic this writer writes (undefined before its first write or check). */
  topicIdOf(topic: string): string | undefined {
    return this.topicIds.get(topic);
  }

  /** Gets a producer id; with a transactional id this fences every older epoch of it (and aborts its txn). */
  async start(): Promise<void> {
    await this.init();
  }

  /**
   * InitProducerId. The first one takes the transactional id over (fencing every older process of it). Every
   * later one — a write starting again after a failure — names this producer's id and epoch (KIP-360, v3+): the
   * coordinator bumps the epoch only while it is still this producer's, and answers PRODUCER_FENCED once another
   * process has initialised the id. Without that, a writer left running on a stalled or cut-off worker, whose
   * task had meanwhile been started elsewhere, would take the id back with its next attempt, fence the new task
   * and commit the write it still held — records the new task had already written (duplicates).
   */
  private async init(): Promise<void> {
    const tid = this.o.transactionalId ?? null;
    const again = tid !== null && this.producerId >= 0n;
    let v2 = false;
    const res = await this.txnCall('InitProducerId', async () => {
      const conn = tid
        ? await this.cluster.coordinator('transaction', tid)
        : await this.cluster.anyConnection();
      v2 =
        tid !== null &&
        (this.o.transactionVersion ?? 'auto') === 'auto' &&
        conn.featureLevel('transaction.version') >= 2 &&
        conn.versionOf(endTxnApi, 5) === 5 &&
        conn.versionOf(txnOffsetCommitApi, 5) === 5 &&
        conn.versionOf(produceApi, 13) === 13;
      const r = await conn.send(initProducerIdApi, {
        transactionalId: tid,
        transactionTimeoutMs: this.o.transactionTimeoutMs ?? 60_000,
        ...(again ? { producerId: this.producerId, producerEpoch: this.producerEpoch } : {}),
      });
      // CONCURRENT_TRANSACTIONS: the coordinator is still aborting the transaction a killed predecessor left
      // open (its answer carries producer id -1): txnCall asks again until the abort markers are written.
      if (r.errorCode !== 0)
        throw new KafkaError(r.errorCode, null, {
          context: { api: 'InitProducerId', ...(tid ? { transactionalId: tid } : {}) },
        });
      return r;
    });
    this.producerId = res.producerId;
    this.producerEpoch = res.producerEpoch;
    this.v2 = v2;
    this.sequences.clear();
    this.needsInit = false;
  }

  /**
   * Writes the batches, then `extra` records built from what was written (offset syncs), then the positions,
   * as one transaction (or, idempotent, in that order). Returns the target base offset of every batch written.
   */
  async write(
    items: WriteItem[],
    positions: PositionUpdate[],
    extra?: (written: WrittenBatch[]) => ExtraRecords[],
    extraPartitions: ReadonlyArray<PartitionRef> = [],
  ): Promise<WrittenBatch[]> {
    const deadline = Date.now() + (this.o.retryDeadlineMs ?? 30_000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(items, positions, deadline, extra, extraPartitions);
      } catch (e) {
        const err = this.classify(e);
        // a retriable failure (leader moved, coordinator loading, timeout): a new epoch and the whole write again
        if (!(err instanceof KafkaError) || !err.retriable || Date.now() > deadline) throw err;
        await sleep(Math.min(100 * 2 ** attempt, 2000));
      }
    }
  }

  private async attempt(
    items: WriteItem[],
    positions: PositionUpdate[],
    deadline: number,
    extra: ((written: WrittenBatch[]) => ExtraRecords[]) | undefined,
    extraPartitions: ReadonlyArray<PartitionRef>,
  ): Promise<WrittenBatch[]> {
    if (this.needsInit) await this.init();
    const { pieces, written } = this.plan(items);
    // The remote topics' ids, asked before anything is produced. Exactly once, the question travels beside
    // AddPartitionsToTxn (a round trip less on every record's path): the produce waits for both, and a changed id
    // aborts a transaction that holds no record yet. At least once it is asked first (there is nothing to abort).
    // On transactions V2 the produce names each topic by its id and is refused by a re-created topic: asked only
    // while a topic's id is not known yet.
    const v2 = this.v2;
    const idsBefore =
      v2 && items.every((i) => this.topicIds.has(i.remoteTopic))
        ? Promise.resolve()
        : this.checkTopicIds(items);
    idsBefore.catch(() => undefined);
    if (!this.transactional || v2) await idsBefore;
    // the extra records' partitions (named in advance) join the transaction with the data's
    const early = this.transactional ? extraPartitions : [];
    const joining: PartitionRef[] = [...pieces, ...early];
    // before the transaction: a partition that cannot take writes yet must not join it (see ensureWritable)
    await this.ensureWritable(joining, deadline);
    const inTxn = new Set<string>();
    this.txnOpen = false;
    // coordinator calls running beside the produce: settled before an abort, so none lands after it
    const beside: Array<Promise<unknown>> = [idsBefore];
    try {
      let offsetsCommitted: Promise<void> | undefined;
      if (v2) {
        // transactions V2: the produce adds its partitions and TxnOffsetCommit (v5) the group, on the brokers'
        // side; the transaction is open from the first request sent
        if (positions.length > 0) {
          this.txnOpen = true;
          offsetsCommitted = this.txnOffsetCommit(positions);
          beside.push(offsetsCommitted);
          offsetsCommitted.catch(() => undefined);
        }
      } else if (this.transactional) {
        // One AddPartitionsToTxn for the data and the extra partitions; AddOffsetsToTxn sent right behind it
        // (the coordinator answers them in order) and TxnOffsetCommit while the records are produced: the
        // positions do not depend on the produce, and all of it commits or aborts together at EndTxn.
        const adding = this.addPartitions(joining, inTxn);
        adding.catch(() => undefined);
        if (positions.length > 0) {
          offsetsCommitted = this.addOffsetsToTxn().then(() => this.txnOffsetCommit(positions));
          beside.push(offsetsCommitted);
          offsetsCommitted.catch(() => undefined);
        }
        // the id check's failure (TARGET_TOPIC_RECREATED) wins over the add's (the topic gone by name)
        const [ids, added] = await Promise.allSettled([idsBefore, adding]);
        if (ids.status === 'rejected') throw ids.reason;
        if (added.status === 'rejected') throw added.reason;
      }
      if (v2 && pieces.length > 0) this.txnOpen = true;
      await this.produce(pieces, written).catch(async (e) => {
        // by id: a topic deleted (and maybe re-created) under the writer answers UNKNOWN_TOPIC_ID; fresh metadata
        // tells which (TARGET_TOPIC_RECREATED), or the error stands (retriable)
        if (v2 && e instanceof KafkaError && e.code === ErrorCode.UNKNOWN_TOPIC_ID)
          await this.checkTopicIds(items, { fresh: true });
        throw e;
      });
      // A produce names its topic, not its id: a remote topic deleted and re-created while the produce was under
      // way took the records into the new topic. Asked again now that every data produce is answered, beside the
      // extra records' produce (no round trip of its own): such a transaction is aborted, never committed.
      let idsChecked: Promise<void> | undefined;
      if (this.transactional && !v2) {
        idsChecked = this.checkTopicIds(items, { fresh: true });
        beside.push(idsChecked);
        idsChecked.catch(() => undefined);
      }
      const extraPieces = this.extraPieces(extra?.(written) ?? []);
      if (extraPieces.length > 0) {
        // partitions not named in advance join now
        const late = extraPieces.filter((p) => !inTxn.has(tpKey(p.topic, p.partition)));
        if (late.length > 0 || !this.transactional) await this.ensureWritable(late, deadline);
        if (this.transactional && !v2 && late.length > 0) await this.addPartitions(late, inTxn);
        if (v2) this.txnOpen = true;
        await this.produce(extraPieces, []);
      }
      if (this.transactional) {
        // the written topics' ids asked again (started once the data's produce was answered, above) and the
        // positions: both settled before EndTxn; a failed check aborts the transaction
        const [ids, offsets] = await Promise.allSettled([idsChecked, offsetsCommitted]);
        if (ids.status === 'rejected') throw ids.reason;
        if (offsets.status === 'rejected') throw offsets.reason;
        if (this.txnOpen) {
          this.committing = true;
          await this.endTxn(true);
          this.committing = false;
          this.txnOpen = false;
          this.counters.transactions++;
        }
      } else if (positions.length > 0) await this.commitPositions(positions);
      return written;
    } catch (e) {
      this.needsInit = true;
      if (this.committing && !(e instanceof KafkaError && FENCED_CODES.has(e.code))) {
        // EndTxn(commit) was sent and never confirmed: the transaction may have committed. Writing it again
        // could duplicate it, so the caller must re-read the committed positions (they moved with the records
        // or not at all) and go on from there.
        this.committing = false;
        this.txnOpen = false;
        throw new FerryError(
          'TRANSACTION_OUTCOME_UNKNOWN',
          `the commit of transaction ${this.o.transactionalId} was not confirmed (${(e as Error).message}): resume from the committed positions`,
          { retriable: false, cause: e },
        );
      }
      this.committing = false;
      await Promise.allSettled(beside);
      if (this.txnOpen) {
        this.counters.abortedTransactions++;
        await this.endTxn(false).catch(() => undefined);
      }
      this.txnOpen = false;
      throw e;
    }
  }

  private extraPieces(more: ExtraRecords[]): Piece[] {
    return more
      .filter((e) => e.records.length > 0)
      .map((e) => ({
        topic: e.topic,
        partition: e.partition,
        built: buildBatch(e.records, { ...PLACEHOLDER, compression: 'none', timestampType: 'create' }),
        count: e.records.length,
        sourceBaseOffset: -1n,
        sourceLastOffset: -1n,
        rebuilt: true,
        result: -1,
      }));
  }

  stats(): BatchWriterStats {
    return { ...this.counters, rebuildReasons: { ...this.counters.rebuildReasons } };
  }

  /** A write always ends its transaction, so there is nothing to abort; forgets the producer. */
  async stop(): Promise<void> {
    this.needsInit = true;
  }

  // ---- planning: forward or rebuild, one piece per target batch ----

  private plan(items: WriteItem[]): { pieces: Piece[]; written: WrittenBatch[] } {
    const pieces: Piece[] = [];
    const written: WrittenBatch[] = [];
    const add = (p: Omit<Piece, 'result'>) => {
      pieces.push({ ...p, result: written.length });
      written.push({
        remoteTopic: p.topic,
        partition: p.partition,
        sourceBaseOffset: p.sourceBaseOffset,
        sourceLastOffset: p.sourceLastOffset,
        targetBaseOffset: -1n,
        records: p.count,
        bytes: 0,
        rebuilt: p.rebuilt,
        ...(p.sourceOffsets ? { sourceOffsets: p.sourceOffsets } : {}),
        ...(p.sourceRuns ? { sourceRuns: p.sourceRuns } : {}),
      });
    };
    const coalesceMax = this.o.coalesceBytes ?? 1 << 20;
    for (const it of items) {
      // consecutive small uncompressed batches, written as one (records/coalesce.ts)
      const limit = Math.min(coalesceMax, it.maxMessageBytes);
      let run: RawBatch[] = [];
      let runBound = 0;
      const endRun = () => {
        if (run.length === 0) return;
        const first = run[0]!.header;
        const last = run[run.length - 1]!.header;
        const count = run.reduce((n, b) => n + b.header.recordCount, 0);
        const common = {
          topic: it.remoteTopic,
          partition: it.partition,
          count,
          sourceBaseOffset: first.baseOffset,
          sourceLastOffset: last.baseOffset + BigInt(last.lastOffsetDelta),
          rebuilt: false,
        };
        let built: Buffer | undefined;
        try {
          if (run.length > 1) built = coalesceBatches(run, { acrossGaps: true });
        } catch {
          // a hand-made batch whose header says its offsets are contiguous and whose records do not: as before,
          // each batch goes as it came (the target broker judges it)
        }
        if (built) {
          this.counters.coalescedSourceBatches += run.length;
          this.counters.coalescedBatches++;
          const runs = sourceRuns(run);
          add({ ...common, built, coalesced: run.length, ...(runs.length > 1 ? { sourceRuns: runs } : {}) });
        } else
          for (const b of run)
            add({
              topic: it.remoteTopic,
              partition: it.partition,
              raw: b,
              count: b.header.recordCount,
              sourceBaseOffset: b.header.baseOffset,
              sourceLastOffset: b.header.baseOffset + BigInt(b.header.lastOffsetDelta),
              rebuilt: false,
            });
        run = [];
        runBound = 0;
      };
      for (const b of it.batches) {
        const h = b.header;
        if (h.isControl) continue;
        const lastOffset = h.baseOffset + BigInt(h.lastOffsetDelta);
        const from = it.fromOffset;
        const trim = from !== undefined && h.baseOffset < from;
        if (trim) {
          this.counters.trimmedBatches++;
          if (lastOffset < from) continue;
        }
        const reason = trim ? null : rebuildReason(b, it.maxMessageBytes);
        if (reason === null && !trim) {
          const bound = coalescedSizeBound([b]) - BATCH_HEADER_SIZE;
          if (limit > 0 && b.bytes.length <= limit / 4 && coalescable(b)) {
            // after the previous batch, or after a gap (a marker, aborted or compacted-away batches): the
            // coalesced batch then maps to several runs of source offsets (records/coalesce.ts)
            const prev = run[run.length - 1]?.header;
            const follows =
              prev === undefined || prev.baseOffset + BigInt(prev.lastOffsetDelta) + 1n <= h.baseOffset;
            if (!follows || (run.length > 0 && BATCH_HEADER_SIZE + runBound + bound > limit)) endRun();
            run.push(b);
            runBound += bound;
            continue;
          }
          endRun();
          add({
            topic: it.remoteTopic,
            partition: it.partition,
            raw: b,
            count: h.recordCount,
            sourceBaseOffset: h.baseOffset,
            sourceLastOffset: lastOffset,
            rebuilt: false,
          });
          continue;
        }
        endRun();
        if (reason) this.counters.rebuildReasons[reason]++;
        this.counters.rebuiltSourceBytes += b.bytes.length;
        const all = decodeRecords(b);
        const records = trim ? all.filter((r) => r.offset >= from!) : all;
        if (records.length === 0) continue; // compaction can leave empty batches: nothing to write
        const compression = this.o.rebuildCompression ?? h.compression;
        for (const { records: chunk, bytes } of buildUnder(records, it.maxMessageBytes, compression, it)) {
          const first = chunk[0]!.offset;
          const last = chunk[chunk.length - 1]!.offset;
          const contiguous = last - first + 1n === BigInt(chunk.length);
          add({
            topic: it.remoteTopic,
            partition: it.partition,
            built: bytes,
            count: chunk.length,
            sourceBaseOffset: first,
            sourceLastOffset: last,
            ...(contiguous ? {} : { sourceOffsets: chunk.map((r) => r.offset) }),
            rebuilt: true,
          });
        }
      }
      endRun();
    }
    return { pieces, written };
  }

  /** The bytes of a piece with this producer's fields and the partition's next sequence. */
  private encode(p: Piece): Buffer {
    const k = tpKey(p.topic, p.partition);
    const seq = this.sequences.get(k) ?? 0;
    this.sequences.set(k, (seq + p.count) % 2 ** 31);
    const fields = {
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      baseSequence: seq,
      transactional: this.transactional,
    };
    if (p.raw) {
      const out = this.o.inPlace ? rewriteBatchInPlace(p.raw, fields) : rewriteBatch(p.raw, fields);
      this.counters.forwardedBytes += out.length;
      this.counters.forwardedBatches++;
      return out;
    }
    const out = rewriteInto(p.built!, fields);
    if (p.coalesced) {
      this.counters.forwardedBytes += out.length;
      this.counters.forwardedBatches++;
    } else if (p.result >= 0) {
      this.counters.rebuiltBytes += out.length;
      this.counters.rebuiltBatches++;
    }
    return out;
  }

  // ---- produce ----

  private async produce(pieces: Piece[], written: WrittenBatch[]): Promise<void> {
    // rounds: the k-th piece of every partition, grouped by leader
    const perPartition = new Map<string, Piece[]>();
    for (const p of pieces) {
      const k = tpKey(p.topic, p.partition);
      const list = perPartition.get(k);
      if (list) list.push(p);
      else perPartition.set(k, [p]);
    }
    const leaders = new Map<number, Piece[][]>();
    for (const list of perPartition.values()) {
      const leader = await this.cluster.leaderIdFor(list[0]!.topic, list[0]!.partition);
      let rounds = leaders.get(leader);
      if (!rounds) {
        rounds = [];
        leaders.set(leader, rounds);
      }
      list.forEach((p, i) => {
        rounds[i] ??= [];
        rounds[i]!.push(p);
      });
    }
    // the lookups may have refreshed the metadata (a leader moved): still the same topic?
    for (const list of perPartition.values())
      if (list[0]!.result >= 0)
        this.assertSameTopic(list[0]!.topic, this.cluster.cachedTopic(list[0]!.topic));
    await Promise.all(
      [...leaders].map(async ([nodeId, rounds]) => {
        const conn = await this.cluster.broker(nodeId);
        await this.pipeline(conn, rounds, written);
      }),
    );
  }

  private async pipeline(conn: Connection, rounds: Piece[][], written: WrittenBatch[]): Promise<void> {
    const window = Math.min(this.o.maxInFlightPerBroker ?? 5, 5);
    const maxBytes = this.o.maxRequestBytes ?? 8 << 20;
    const inflight: Array<Promise<void>> = [];
    let failure: unknown;
    for (const round of rounds) {
      // a round may be cut into several requests by size; each partition still appears once per request
      let group: Array<{ piece: Piece; bytes: Buffer }> = [];
      let size = 0;
      const flush = async () => {
        if (group.length === 0) return;
        const req = group;
        group = [];
        size = 0;
        while (inflight.length >= window) await inflight.shift();
        if (failure) throw failure;
        const p = this.sendProduce(conn, req, written).catch((e) => {
          failure ??= e;
        });
        inflight.push(p);
      };
      for (const piece of round) {
        const bytes = this.encode(piece);
        if (size + bytes.length > maxBytes) await flush();
        group.push({ piece, bytes });
        size += bytes.length;
      }
      await flush();
    }
    await Promise.all(inflight);
    if (failure) throw failure;
  }

  private async sendProduce(
    conn: Connection,
    req: Array<{ piece: Piece; bytes: Buffer }>,
    written: WrittenBatch[],
  ): Promise<void> {
    const byTopic = new Map<string, Array<{ index: number; records: Buffer }>>();
    for (const { piece, bytes } of req) {
      const list = byTopic.get(piece.topic);
      const entry = { index: piece.partition, records: bytes };
      if (list) list.push(entry);
      else byTopic.set(piece.topic, [entry]);
    }
    // transactions V2: Produce v13, topics by id (a data topic by the id this writer writes, see checkTopicIds;
    // the extra records' topics by the id in the metadata)
    const v2 = this.v2; // only ever set with a transactional id (init)
    const idToName = new Map<string, string>();
    const topics = [...byTopic].map(([name, partitions]) => {
      if (!v2) return { name, partitions };
      const topicId = this.topicIds.get(name) ?? this.cluster.cachedTopic(name)?.topicId;
      if (!topicId || topicId === NO_TOPIC_ID)
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'no topic id in the metadata yet', {
          context: { api: 'Produce', topic: name },
        });
      idToName.set(topicId, name);
      return { name, topicId, partitions };
    });
    if (v2 && conn.versionOf(produceApi, 13) !== 13)
      throw new KafkaError(
        ErrorCode.UNSUPPORTED_VERSION,
        `broker ${conn.address} does not take Produce v13, which a transaction V2 needs (a broker older than the cluster's transaction.version?)`,
        { retriable: false, context: { api: 'Produce' } },
      );
    this.counters.produceRequests++;
    const res = await conn.send(
      produceApi,
      {
        transactionalId: this.o.transactionalId ?? null,
        acks: -1,
        timeoutMs: this.o.requestTimeoutMs ?? 30_000,
        topics,
      },
      { timeoutMs: (this.o.requestTimeoutMs ?? 30_000) + 5_000, ...(v2 ? { version: 13 } : {}) },
    );
    const answers = new Map<string, ProducePartitionResponse>();
    for (const t of res.responses) {
      const name = v2 ? (idToName.get(t.topicId) ?? '') : t.name;
      for (const p of t.partitions) answers.set(tpKey(name, p.index), p);
    }
    for (const { piece, bytes } of req) {
      const a = answers.get(tpKey(piece.topic, piece.partition));
      const context = { api: 'Produce', topic: piece.topic, partition: piece.partition };
      if (!a) throw new KafkaError(ErrorCode.NETWORK_EXCEPTION, 'no answer for the partition', { context });
      if (a.errorCode !== 0) {
        if (
          a.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER ||
          a.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
          a.errorCode === ErrorCode.UNKNOWN_TOPIC_ID
        ) {
          this.cluster.invalidate(piece.topic);
          this.writable.delete(tpKey(piece.topic, piece.partition));
        }
        const detail = [a.errorMessage, ...a.recordErrors.map((r) => r.batchIndexErrorMessage)]
          .filter(Boolean)
          .join('; ');
        throw new KafkaError(a.errorCode, detail || null, { context });
      }
      if (piece.result >= 0) {
        const w = written[piece.result]!;
        w.targetBaseOffset = a.baseOffset;
        w.bytes = bytes.length;
      }
    }
  }

  // ---- remote topic ids ----

  /**
   * Each remote topic of `items` is still the topic this writer writes: one Metadata request for the topics
   * whose id is older than `topicIdCheckMs` (default 0: every write asks). A produce names its topic, not its
   * id, so a topic deleted and re-created between two writes takes the next produce without an error: only
   * fresh metadata tells the two apart.
   */
  private async checkTopicIds(items: WriteItem[], o: { fresh?: boolean } = {}): Promise<void> {
    const maxAge = o.fresh ? 0 : (this.o.topicIdCheckMs ?? 0);
    const now = Date.now();
    const stale: string[] = [];
    for (const topic of new Set(items.map((i) => i.remoteTopic))) {
      const cached = this.cluster.cachedTopic(topic);
      if (maxAge > 0 && cached && now - (this.idCheckedAt.get(topic) ?? 0) <= maxAge)
        this.assertSameTopic(topic, cached);
      else stale.push(topic);
    }
    if (stale.length === 0) return;
    const md = await this.cluster.metadata(stale, { refresh: true });
    for (const topic of stale) {
      this.idCheckedAt.set(topic, now);
      const info = md.topics.get(topic);
      const code = info?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      // only "no such topic" means gone; any other error (authorisation, a leader election) says nothing of the id
      if (!topicGoneOrOk(code))
        throw new KafkaError(code, 'asking the remote topic id', { context: { topic } });
      // unknown and never written: the existing path (a retriable UNKNOWN_TOPIC_OR_PARTITION) handles it
      if (code !== 0 && !this.topicIds.has(topic)) continue;
      this.assertSameTopic(topic, code === 0 ? info : undefined);
    }
  }

  /** Remembers the first id seen; a different id, or the topic gone, is TARGET_TOPIC_RECREATED. */
  private assertSameTopic(topic: string, info: { topicId: string } | undefined): void {
    const known = this.topicIds.get(topic);
    if (info && (info.topicId === NO_TOPIC_ID || !info.topicId)) return;
    if (info && known === undefined) {
      this.topicIds.set(topic, info.topicId);
      return;
    }
    if (info && info.topicId === known) return;
    if (!info && known === undefined) return;
    throw new FerryError(
      'TARGET_TOPIC_RECREATED',
      info
        ? `the remote topic ${topic} was deleted and re-created on the target (topic id ${known} is now ${info.topicId}): nothing is written into the new topic; the task restarts and copies the partitions again`
        : `the remote topic ${topic} (topic id ${known}) was deleted on the target: nothing more is written; the task restarts once it exists again`,
      { retriable: false, context: { topic } },
    );
  }

  // ---- readiness of target partitions ----

  /**
   * Waits until the leader of every partition of `pieces` accepts requests for it, before they join a
   * transaction. A partition just created (the flow's remote topics) is in the metadata before its leader has
   * loaded it, and a produce to it gets NOT_LEADER_OR_FOLLOWER. Inside a transaction that costs far more than the
   * wait: the transaction must be aborted, the coordinator cannot finish the abort until it has written its
   * markers into those same partitions, and until then every InitProducerId answers CONCURRENT_TRANSACTIONS —
   * measured with 1,000 new partitions on one broker: over 30 s, four task restarts, the first commit 40 s after
   * the start. A ListOffsets to the leader passes the same leadership check as a produce and writes nothing, so a
   * partition is asked once (the first time this producer writes it, or again after a produce was refused for
   * leadership) and the write waits outside any transaction, with back-off, until the write's deadline: then the
   * failure is retriable and nothing is open to abort.
   */
  private async ensureWritable(pieces: ReadonlyArray<PartitionRef>, deadline: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const unknown = new Map<string, { topic: string; partition: number }>();
      for (const p of pieces) {
        const k = tpKey(p.topic, p.partition);
        if (!this.writable.has(k) && !unknown.has(k))
          unknown.set(k, { topic: p.topic, partition: p.partition });
      }
      if (unknown.size === 0) return;
      const refused = await this.probe([...unknown.values()]);
      if (!refused) return;
      if (Date.now() > deadline) throw refused;
      await sleep(Math.min(100 * 2 ** attempt, 1000));
    }
  }

  /** ListOffsets (latest) of each partition at its leader; the first retriable refusal, or undefined. */
  private async probe(tps: Array<{ topic: string; partition: number }>): Promise<KafkaError | undefined> {
    let refused: KafkaError | undefined;
    const refuse = (e: unknown) => {
      if (!(e instanceof KafkaError) || !e.retriable) throw e;
      refused ??= e;
    };
    const byLeader = new Map<number, Map<string, number[]>>();
    for (const tp of tps) {
      let leader: number;
      try {
        leader = await this.cluster.leaderIdFor(tp.topic, tp.partition);
      } catch (e) {
        this.cluster.invalidate(tp.topic);
        refuse(e);
        continue;
      }
      let topics = byLeader.get(leader);
      if (!topics) {
        topics = new Map();
        byLeader.set(leader, topics);
      }
      const ps = topics.get(tp.topic);
      if (ps) ps.push(tp.partition);
      else topics.set(tp.topic, [tp.partition]);
    }
    await Promise.all(
      [...byLeader].map(async ([nodeId, topics]) => {
        try {
          const conn = await this.cluster.broker(nodeId);
          const res = await conn.send(listOffsetsApi, {
            replicaId: -1,
            isolationLevel: 0,
            topics: [...topics].map(([name, ps]) => ({
              name,
              partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp: LATEST })),
            })),
          });
          for (const t of res.topics)
            for (const p of t.partitions) {
              if (p.errorCode === 0) {
                this.writable.add(tpKey(t.name, p.partitionIndex));
                continue;
              }
              this.cluster.invalidate(t.name);
              refuse(
                new KafkaError(p.errorCode, 'the partition does not take writes yet', {
                  context: { api: 'ListOffsets', topic: t.name, partition: p.partitionIndex },
                }),
              );
            }
        } catch (e) {
          refuse(e);
        }
      }),
    );
    return refused;
  }

  // ---- transactions and positions ----

  private async addPartitions(pieces: ReadonlyArray<PartitionRef>, inTxn: Set<string>): Promise<void> {
    const byTopic = new Map<string, Set<number>>();
    for (const p of pieces) {
      const k = tpKey(p.topic, p.partition);
      if (inTxn.has(k)) continue;
      let s = byTopic.get(p.topic);
      if (!s) {
        s = new Set();
        byTopic.set(p.topic, s);
      }
      s.add(p.partition);
    }
    if (byTopic.size === 0) return;
    const tid = this.o.transactionalId!;
    const topics = [...byTopic].map(([name, ps]) => ({ name, partitions: [...ps] }));
    for (const t of topics) for (const p of t.partitions) inTxn.add(tpKey(t.name, p));
    this.txnOpen = true;
    await this.txnCall('AddPartitionsToTxn', async () => {
      const conn = await this.cluster.coordinator('transaction', tid);
      const res = await conn.send(addPartitionsToTxnApi, {
        transactionalId: tid,
        producerId: this.producerId,
        producerEpoch: this.producerEpoch,
        topics,
      });
      // the first real error wins over OPERATION_NOT_ATTEMPTED (55), which only says "another one failed"
      let worst = 0;
      let where: { topic: string; partition: number } | undefined;
      for (const r of res.results)
        for (const p of r.resultsByPartition)
          if (p.partitionErrorCode !== 0 && (worst === 0 || worst === 55)) {
            worst = p.partitionErrorCode;
            where = { topic: r.name, partition: p.partitionIndex };
          }
      if (worst !== 0)
        throw new KafkaError(worst, null, {
          context: { api: 'AddPartitionsToTxn', transactionalId: tid, ...where },
        });
      return res;
    });
  }

  private async addOffsetsToTxn(): Promise<void> {
    const tid = this.o.transactionalId!;
    const groupId = this.o.positionsGroup;
    this.txnOpen = true;
    await this.txnCall('AddOffsetsToTxn', async () => {
      const conn = await this.cluster.coordinator('transaction', tid);
      const res = await conn.send(addOffsetsToTxnApi, {
        transactionalId: tid,
        producerId: this.producerId,
        producerEpoch: this.producerEpoch,
        groupId,
      });
      if (res.errorCode !== 0)
        throw new KafkaError(res.errorCode, null, {
          context: { api: 'AddOffsetsToTxn', transactionalId: tid, group: groupId },
        });
      return res;
    });
  }

  private async txnOffsetCommit(positions: PositionUpdate[]): Promise<void> {
    const tid = this.o.transactionalId!;
    const groupId = this.o.positionsGroup;
    await this.txnCall(
      'TxnOffsetCommit',
      async () => {
        const conn = await this.cluster.coordinator('group', groupId);
        const res = await conn.send(
          txnOffsetCommitApi,
          {
            transactionalId: tid,
            groupId,
            producerId: this.producerId,
            producerEpoch: this.producerEpoch,
            topics: offsetTopics(positions),
          },
          this.v2 ? { version: 5 } : {},
        );
        throwFirstPartitionError(res.topics, 'TxnOffsetCommit', groupId);
        return res;
      },
      'group',
    );
  }

  private async commitPositions(positions: PositionUpdate[]): Promise<void> {
    const groupId = this.o.positionsGroup;
    await this.txnCall(
      'OffsetCommit',
      async () => {
        const conn = await this.cluster.coordinator('group', groupId);
        const res = await conn.send(offsetCommitApi, {
          groupId,
          generationIdOrMemberEpoch: -1,
          memberId: '',
          topics: offsetTopics(positions),
        });
        throwFirstPartitionError(res.topics, 'OffsetCommit', groupId);
        return res;
      },
      'group',
    );
  }

  private async endTxn(commit: boolean): Promise<void> {
    const tid = this.o.transactionalId!;
    const res = await this.txnCall('EndTxn', async () => {
      const conn = await this.cluster.coordinator('transaction', tid);
      const res = await conn.send(
        endTxnApi,
        {
          transactionalId: tid,
          producerId: this.producerId,
          producerEpoch: this.producerEpoch,
          committed: commit,
        },
        this.v2 ? { version: 5 } : {},
      );
      if (res.errorCode !== 0)
        throw new KafkaError(res.errorCode, null, { context: { api: 'EndTxn', transactionalId: tid } });
      return res;
    });
    if (this.v2 && res.producerEpoch >= 0) {
      // V2 bumps the epoch at every end (a new producer id once the epoch is exhausted): the next transaction's
      // batches carry the new one, their sequences from 0
      this.producerId = res.producerId;
      this.producerEpoch = res.producerEpoch;
      this.sequences.clear();
    }
  }

  /**
   * A coordinator call with short retries: CONCURRENT_TRANSACTIONS (the previous transaction's markers are
   * still being written), the coordinator loading or moving (NOT_COORDINATOR: look it up again), timeouts.
   */
  private async txnCall<T>(
    api: string,
    fn: () => Promise<T>,
    type: 'transaction' | 'group' = 'transaction',
  ): Promise<T> {
    const key = type === 'transaction' ? this.o.transactionalId : this.o.positionsGroup;
    const deadline = Date.now() + (this.o.requestTimeoutMs ?? 30_000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!(e instanceof KafkaError) || !(TXN_RETRY.has(e.code) || e.retriable) || Date.now() > deadline)
          throw e;
        if ((e.code === ErrorCode.NOT_COORDINATOR || e.code === ErrorCode.COORDINATOR_NOT_AVAILABLE) && key)
          this.cluster.invalidateCoordinator(type, key);
        void api;
        await sleep(
          e.code === ErrorCode.CONCURRENT_TRANSACTIONS
            ? Math.min(CONCURRENT_TXN_FIRST_BACKOFF_MS * 2 ** attempt, 200)
            : Math.min(50 * 2 ** attempt, 1000),
        );
      }
    }
  }

  private classify(e: unknown): unknown {
    if (e instanceof KafkaError && FENCED_CODES.has(e.code)) {
      const err = new FerryError(
        'TASK_FENCED',
        `the producer ${this.o.transactionalId ?? this.producerId} was fenced: another process owns it now (${e.name})`,
        { retriable: false, cause: e, context: { topic: e.context.topic, partition: e.context.partition } },
      );
      (err as FerryError & { type: string }).type = e.name;
      return err;
    }
    return e;
  }
}

function offsetTopics(positions: PositionUpdate[]) {
  const byTopic = new Map<string, Array<{ partitionIndex: number; committedOffset: bigint }>>();
  for (const p of positions) {
    const list = byTopic.get(p.remoteTopic);
    const entry = { partitionIndex: p.partition, committedOffset: p.next };
    if (list) list.push(entry);
    else byTopic.set(p.remoteTopic, [entry]);
  }
  return [...byTopic].map(([name, partitions]) => ({ name, partitions }));
}

function throwFirstPartitionError(
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>,
  api: string,
  group: string,
): void {
  for (const t of topics)
    for (const p of t.partitions)
      if (p.errorCode !== 0)
        throw new KafkaError(p.errorCode, null, {
          context: { api, group, topic: t.name, partition: p.partitionIndex },
        });
}

const PLACEHOLDER = { producerId: -1n, producerEpoch: -1, baseSequence: -1, transactional: false };

/**
 * Rebuilt batches of `records` with `compression`, each at most `maxMessageBytes`: cut by exact uncompressed
 * size (splitBySize), then a chunk whose compressed batch still exceeds the limit is halved, and a single record
 * whose compressed batch does is written uncompressed (its uncompressed size fits, splitBySize checked).
 */
export function buildUnder(
  records: WireRecord[],
  maxMessageBytes: number,
  compression: Compression,
  where: { remoteTopic: string; partition: number },
): Array<{ records: WireRecord[]; bytes: Buffer }> {
  const out: Array<{ records: WireRecord[]; bytes: Buffer }> = [];
  const fit = (chunk: WireRecord[], c: Compression) => {
    const bytes = buildBatch(chunk, { ...PLACEHOLDER, compression: c, timestampType: 'create' });
    if (bytes.length <= maxMessageBytes) out.push({ records: chunk, bytes });
    else if (chunk.length > 1) {
      const mid = chunk.length >> 1;
      fit(chunk.slice(0, mid), c);
      fit(chunk.slice(mid), c);
    } else fit(chunk, 'none');
  };
  for (const chunk of splitBySize(records, maxMessageBytes, where)) fit(chunk, compression);
  return out;
}

/**
 * Cuts decoded records into chunks whose rebuilt batch, uncompressed, fits `maxMessageBytes` (sizes computed
 * exactly, as buildBatch encodes them). A single record that cannot fit is a RECORD_TOO_LARGE error naming its
 * offset.
 */
export function splitBySize(
  records: WireRecord[],
  maxMessageBytes: number,
  where: { remoteTopic: string; partition: number },
): WireRecord[][] {
  const budget = maxMessageBytes - 61;
  const out: WireRecord[][] = [];
  let cur: WireRecord[] = [];
  let size = 0;
  let base = 0n;
  for (const r of records) {
    if (cur.length === 0) base = r.timestamp;
    let s = recordSize(r, Number(r.timestamp - base), cur.length);
    if (cur.length > 0 && size + s > budget) {
      out.push(cur);
      cur = [];
      size = 0;
      base = r.timestamp;
      s = recordSize(r, 0, 0);
    }
    if (s > budget)
      throw new FerryError(
        'RECORD_TOO_LARGE',
        `record ${r.offset} of ${where.remoteTopic}-${where.partition} takes ${s + 61} bytes as a batch, more than the target's max.message.bytes ${maxMessageBytes}`,
        { context: { topic: where.remoteTopic, partition: where.partition, offset: String(r.offset) } },
      );
    cur.push(r);
    size += s;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/**
 * Shape note (contract refinement): FetchedChunk adds `fromOffset` (the position this fetch started at: the
 * first batch may begin before it when the broker returns a whole batch containing the position) and `bytes`;
 * GapEvent may also report a log that now ends before the position (from = log end, to = position).
 */
import { lastOffsetOf, splitBatches } from '../records/index.ts';
import type { RawBatch } from '../records/types.ts';
import type { TopicPartition } from '../tasks/assign.ts';
import { tpKey } from '../tasks/assign.ts';
import type { AbortedTransaction, FetchRequest, FetchResponsePartition } from '../wire/apis/fetch.ts';
import { fetchApi, READ_COMMITTED } from '../wire/apis/fetch.ts';
import { EARLIEST, LATEST, listOffsetsApi } from '../wire/apis/list-offsets.ts';
import type { WireCluster } from '../wire/cluster.ts';
import { ErrorCode, isRetriable, KafkaError } from '../wire/errors.ts';
import { ZERO_UUID } from '../wire/protocol/schema.ts';

export interface FetchedChunk {
  topic: string;
  partition: number;
  /** Data batches only, in offset order: control batches and batches of aborted transactions are dropped. */
  batches: RawBatch[];
  /** The position this fetch asked for; `batches[0]` may start before it (records below it were delivered). */
  fromOffset: bigint;
  /** Position after this chunk, past skipped control and aborted batches. */
  nextOffset: bigint;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  /** Bytes of `batches`. */
  bytes: number;
}

/**
 * Records the source no longer has, found before they were fetched:
 * - `deleted`: OFFSET_OUT_OF_RANGE below the log start (retention or DeleteRecords removed them): [from =
 *   position, to = log start) is lost and fetching continues at `to`.
 * - `truncated`: OFFSET_OUT_OF_RANGE above the log end (the log was truncated, e.g. an unclean leader
 *   election): [from = log end, to = position) no longer exists and fetching continues at `from`.
 * - `topic-recreated`: the topic's id changed (deleted and created again under the same name): the old topic's
 *   [from = position, to = its last known end) is lost (to = from when no end was known) and fetching continues
 *   at the new topic's log start (`resumeAt`).
 */
export interface GapEvent {
  topic: string;
  partition: number;
  /** First offset of the range. */
  from: bigint;
  /** Exclusive end of the range. */
  to: bigint;
  logStartOffset: bigint;
  /** Where fetching continues (unless the handler halts the partition). */
  resumeAt: bigint;
  reason: 'deleted' | 'truncated' | 'topic-recreated';
  /** topic-recreated: the old and the new topic id. */
  oldTopicId?: string;
  topicId?: string;
}

export interface AssignedFetcherOptions {
  cluster: WireCluster;
  partitions: TopicPartition[];
  /** Next offset per `topic:partition`; partitions without one start at `startPosition`. */
  positions: Map<string, bigint>;
  startPosition: 'earliest' | 'latest';
  maxBytesPerPartition: number;
  /** per fetch request; default max(4 × maxBytesPerPartition, 16 MiB) */
  maxBytes?: number;
  /** default 500 */
  maxWaitMs?: number;
  /**
   * Fetch linger (fetchWait): after a response that carried records, the next fetch from that leader asks the
   * broker to wait up to this long for `lingerMinBytes`, so a trickle of small batches comes back as one response
   * instead of one request each. 0 (the default): every fetch returns at the first byte.
   */
  lingerMs?: number;
  /** default min(1 MiB, maxBytes) */
  lingerMinBytes?: number;
  /** Bytes handed to onChunk and not yet written, across the fetcher; no new fetch beyond it. Default 2 × maxBytes. */
  maxInFlightBytes?: number;
  /** Called in offset order per partition; chunks of different partitions may be written concurrently. */
  onChunk: (c: FetchedChunk) => Promise<void>;
  /**
   * A gap (see GapEvent). Awaited before fetching continues at `resumeAt`; answering 'halt' pauses the partition
   * at its position instead. Default: continue.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing lets fetching continue
  onGap?: (g: GapEvent) => void | 'halt' | Promise<void | 'halt'>;
  /**
   * The source topic ids the positions were taken in (topic name → id, as stored with them): a topic whose id
   * differs when first looked up was deleted and re-created meanwhile (a `topic-recreated` gap).
   */
  topicIds?: Map<string, string>;
  /** topic-recreated before this fetcher saw the old topic: its last known end per `topic:partition`. */
  knownEnds?: Map<string, bigint>;
  /** A partition that cannot continue (non-retriable error, onChunk failed); it is not fetched again. */
  onError: (e: unknown) => void;
}

/**
 * What a fetch asks the broker to wait for (min bytes, max wait). After an empty response: the first byte, up to
 * `maxWaitMs` — an idle fetcher polls twice a second and new data comes back at once. After a response that
 * carried records (data is flowing): `lingerMinBytes`, up to `lingerMs` — at a light rate every produce on the
 * source would otherwise end a fetch of its own (hundreds of requests a second per task at 2,000 records/s),
 * and those requests load the source's brokers; under catch-up the min bytes are there at once and nothing
 * waits. The wait bounds what a record can be delayed by (≤ lingerMs), and records that arrive while a write is
 * in flight wait for it anyway.
 */
export function fetchWait(
  previousHadRecords: boolean,
  o: { maxWaitMs: number; lingerMs: number; lingerMinBytes: number },
): { minBytes: number; maxWaitMs: number } {
  if (previousHadRecords && o.lingerMs > 0)
    return { minBytes: Math.max(1, o.lingerMinBytes), maxWaitMs: Math.min(o.lingerMs, o.maxWaitMs) };
  return { minBytes: 1, maxWaitMs: o.maxWaitMs };
}

interface PartitionState {
  readonly tp: TopicPartition;
  readonly key: string;
  position: bigint | undefined;
  leader: number;
  leaderEpoch: number;
  paused: boolean;
  failed: boolean;
  /** out-of-range repair or start-position lookup running */
  resolving: boolean;
  inFlight: number;
  chain: Promise<void>;
  retryAt: number;
  backoffMs: number;
  partitionMaxBytes: number;
  lastHw: bigint;
  lastLso: bigint;
}

/**
 * An incremental fetch session (KIP-227) with one leader: the broker remembers each partition's fetch offset and
 * max bytes, so a request lists only partitions that changed (and the ones to forget), and a response only
 * partitions with news (records, moved offsets, errors). With hundreds of mostly idle partitions per leader this
 * is what keeps an empty poll from encoding and decoding every partition twice a second.
 */
interface FetchSession {
  /** 0: none (the next request is full and asks for one) */
  id: number;
  epoch: number;
  /** What the broker holds per partition key: as last sent. */
  sent: Map<string, { state: PartitionState; offset: bigint; maxBytes: number; leaderEpoch: number }>;
}

const SESSION_ERRORS = new Set<number>([70, 71, 106]); // FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH, FETCH_SESSION_TOPIC_ID_ERROR

function resetSession(session: FetchSession): void {
  session.id = 0;
  session.epoch = 0;
  session.sent.clear();
}

/** Leader moved, partition or topic unknown to this broker, stale epoch: look the leader up again. */
const REROUTE = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.OFFSET_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.INCONSISTENT_TOPIC_ID,
]);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Fetches exactly the given source partitions by assignment — no consumer group, nothing written to the
 * source. One fetch loop per partition leader; read_committed (isolation_level 1), and aborted transactions
 * dropped at batch level from the response's aborted-transaction list; control batches skipped with the
 * position moving past them, so positions reach the last stable offset and lag can reach 0. A truncated
 * trailing batch is fetched again from its offset. OFFSET_OUT_OF_RANGE is reported (onGap), never a silent reset.
 * Pipelined: a leader's next fetch is issued while earlier chunks are still being written, up to
 * `maxInFlightBytes` (so at most that plus one response is held).
 */
export class AssignedFetcher {
  private readonly o: AssignedFetcherOptions;
  private readonly states = new Map<string, PartitionState>();
  private readonly topics: string[];
  private readonly topicIds = new Map<string, string>();
  private readonly topicById = new Map<string, string>();
  private readonly loops = new Map<number, Promise<void>>();
  private readonly maxBytes: number;
  private readonly maxWaitMs: number;
  private readonly lingerMs: number;
  private readonly lingerMinBytes: number;
  private readonly maxInFlightBytes: number;
  private totalInFlight = 0;
  private running = false;
  private wakeUp: (() => void) | undefined;
  private wakePromise: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshBackoffMs = 100;
  private refreshAgain = false;

  constructor(o: AssignedFetcherOptions) {
    this.o = o;
    this.maxBytes = o.maxBytes ?? Math.max(o.maxBytesPerPartition * 4, 16 << 20);
    this.maxWaitMs = o.maxWaitMs ?? 500;
    this.lingerMs = o.lingerMs ?? 0;
    this.lingerMinBytes = o.lingerMinBytes ?? Math.min(1 << 20, this.maxBytes);
    this.maxInFlightBytes = o.maxInFlightBytes ?? this.maxBytes * 2;
    const topics = new Set<string>();
    for (const tp of o.partitions) {
      const key = tpKey(tp);
      topics.add(tp.topic);
      this.states.set(key, {
        tp,
        key,
        position: o.positions.get(key),
        leader: -1,
        leaderEpoch: -1,
        paused: false,
        failed: false,
        resolving: false,
        inFlight: 0,
        chain: Promise.resolve(),
        retryAt: 0,
        backoffMs: 0,
        partitionMaxBytes: o.maxBytesPerPartition,
        lastHw: -1n,
        lastLso: -1n,
      });
    }
    this.topics = [...topics];
    for (const [topic, id] of o.topicIds ?? []) if (topics.has(topic)) this.topicIds.set(topic, id);
  }

  /** The id of a source topic as last looked up (undefined before the first metadata answer). */
  topicIdOf(topic: string): string | undefined {
    return this.topicIds.get(topic);
  }

  /** Looks up leaders and start positions, then starts the fetch loops. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.refresh();
  }

  pause(tp: TopicPartition): void {
    const s = this.states.get(tpKey(tp));
    if (s) s.paused = true;
  }

  resume(tp: TopicPartition): void {
    const s = this.states.get(tpKey(tp));
    if (s) {
      s.paused = false;
      this.wake();
    }
  }

  /** The next offset each partition will be fetched from (undefined before it is known). */
  position(tp: TopicPartition): bigint | undefined {
    return this.states.get(tpKey(tp))?.position;
  }

  /** Stops fetching; waits for the fetch loops and for chunks being written to finish. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.wake();
    await Promise.all([...this.loops.values()]);
    await Promise.all([...this.states.values()].map((s) => s.chain));
    await this.refreshing?.catch(() => undefined);
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    this.wakePromise = undefined;
    w?.();
  }

  private waitForChange(ms: number): Promise<void> {
    this.wakePromise ??= new Promise<void>((r) => {
      this.wakeUp = r;
    });
    return Promise.race([this.wakePromise, sleep(ms)]);
  }

  // ---- metadata: leaders, topic ids, start positions ----

  private refreshSoon(): void {
    if (!this.running || this.refreshTimer) return;
    if (this.refreshing) {
      this.refreshAgain = true; // the running refresh may have read metadata before this news
      return;
    }
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, this.refreshBackoffMs);
    this.refreshBackoffMs = Math.min(this.refreshBackoffMs * 2, 2000);
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().then(
      (unrouted) => {
        this.refreshing = undefined;
        if (unrouted || this.refreshAgain) this.refreshSoon();
        else this.refreshBackoffMs = 100;
        this.refreshAgain = false;
      },
      () => {
        this.refreshing = undefined;
        this.refreshSoon();
      },
    );
    return this.refreshing;
  }

  /** Leaders, topic ids and start positions; true when some partition still has no leader. */
  private async doRefresh(): Promise<boolean> {
    let unrouted = false;
    try {
      const md = await this.o.cluster.metadata(this.topics, { refresh: true });
      const recreated = new Map<string, string>();
      for (const t of md.topics.values()) {
        if (t.errorCode !== 0 || t.topicId === ZERO_UUID) continue;
        const old = this.topicIds.get(t.name);
        if (old !== undefined && old !== t.topicId) recreated.set(t.name, old);
        this.topicIds.set(t.name, t.topicId);
        this.topicById.set(t.topicId, t.name);
      }
      for (const s of this.states.values()) {
        const t = md.topics.get(s.tp.topic);
        const p =
          t && t.errorCode === 0 ? t.partitions.find((x) => x.partition === s.tp.partition) : undefined;
        s.leader = p && p.errorCode !== ErrorCode.LEADER_NOT_AVAILABLE ? p.leader : -1;
        s.leaderEpoch = p ? p.leaderEpoch : -1;
        if (s.leader < 0 && !s.failed) unrouted = true;
        const oldId = recreated.get(s.tp.topic);
        if (oldId !== undefined && t && !s.failed) this.topicRecreated(s, oldId, t.topicId);
      }
    } catch (e) {
      if (!(e instanceof KafkaError && e.retriable)) this.o.onError(e);
      unrouted = true;
    }
    if (!this.running) return false;
    await this.resolveStartPositions();
    for (const s of this.states.values()) {
      if (s.leader >= 0) this.ensureLoop(s.leader);
      else if (!s.failed) unrouted = true; // a start-position lookup failed and unrouted it
    }
    this.wake();
    return unrouted;
  }

  private ensureLoop(nodeId: number): void {
    if (!this.running || this.loops.has(nodeId)) return;
    const loop = this.leaderLoop(nodeId).finally(() => this.loops.delete(nodeId));
    this.loops.set(nodeId, loop);
  }

  /** ListOffsets (read_committed: latest = last stable offset) for partitions without a position. */
  private async resolveStartPositions(): Promise<void> {
    const ts = this.o.startPosition === 'earliest' ? EARLIEST : LATEST;
    const byLeader = new Map<number, PartitionState[]>();
    for (const s of this.states.values()) {
      if (s.position !== undefined || s.leader < 0 || s.failed) continue;
      let l = byLeader.get(s.leader);
      if (!l) {
        l = [];
        byLeader.set(s.leader, l);
      }
      l.push(s);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, list]) => {
        try {
          const got = await this.listOffsets(leader, list, ts);
          for (const s of list) {
            const r = got.get(s.key);
            if (r !== undefined && s.position === undefined) s.position = r;
          }
        } catch (e) {
          if (!(e instanceof KafkaError && e.retriable)) this.o.onError(e);
          for (const s of list) s.leader = -1;
          this.refreshSoon();
        }
      }),
    );
  }

  private async listOffsets(
    leader: number,
    list: PartitionState[],
    timestamp: bigint,
  ): Promise<Map<string, bigint>> {
    const conn = await this.o.cluster.broker(leader);
    const byTopic = new Map<
      string,
      Array<{ partitionIndex: number; currentLeaderEpoch: number; timestamp: bigint }>
    >();
    for (const s of list) {
      let l = byTopic.get(s.tp.topic);
      if (!l) {
        l = [];
        byTopic.set(s.tp.topic, l);
      }
      l.push({ partitionIndex: s.tp.partition, currentLeaderEpoch: s.leaderEpoch, timestamp });
    }
    const res = await conn.send(listOffsetsApi, {
      replicaId: -1,
      isolationLevel: READ_COMMITTED,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    });
    const out = new Map<string, bigint>();
    for (const t of res.topics)
      for (const p of t.partitions) {
        const s = this.states.get(`${t.name}:${p.partitionIndex}`);
        if (!s) continue;
        if (p.errorCode === 0) out.set(s.key, p.offset);
        else this.partitionError(s, p.errorCode, 'ListOffsets');
      }
    return out;
  }

  // ---- fetch loop per leader ----

  private fetchable(s: PartitionState, nodeId: number, now: number): boolean {
    return (
      s.leader === nodeId &&
      s.position !== undefined &&
      !s.paused &&
      !s.failed &&
      !s.resolving &&
      now >= s.retryAt
    );
  }

  private async leaderLoop(nodeId: number): Promise<void> {
    let rotation = 0;
    let hadRecords = false;
    const session: FetchSession = { id: 0, epoch: 0, sent: new Map() };
    while (this.running) {
      const now = Date.now();
      let owned = 0;
      const picked: PartitionState[] = [];
      if (this.totalInFlight < this.maxInFlightBytes)
        for (const s of this.states.values()) {
          if (s.leader !== nodeId) continue;
          owned++;
          if (this.fetchable(s, nodeId, now)) picked.push(s);
        }
      else for (const s of this.states.values()) if (s.leader === nodeId) owned++;
      if (owned === 0) return; // partitions moved to other leaders
      if (picked.length === 0) {
        await this.waitForChange(50);
        continue;
      }
      // rotate the order: the broker fills partitions in request order and returns an over-sized first batch
      // only for the first partition (KIP-74), so every partition gets to be first
      rotation = (rotation + 1) % picked.length;
      hadRecords = await this.fetchOnce(
        nodeId,
        rotation === 0 || session.id !== 0
          ? picked
          : picked.slice(rotation).concat(picked.slice(0, rotation)),
        session,
        fetchWait(hadRecords, {
          maxWaitMs: this.maxWaitMs,
          lingerMs: this.lingerMs,
          lingerMinBytes: this.lingerMinBytes,
        }),
      );
    }
  }

  /** One fetch from a leader; true when its response carried records (see fetchWait). */
  private async fetchOnce(
    nodeId: number,
    picked: PartitionState[],
    session: FetchSession,
    wait: { minBytes: number; maxWaitMs: number },
  ): Promise<boolean> {
    let version = -1;
    let res: Awaited<ReturnType<typeof this.sendFetch>>;
    let full = true;
    try {
      const conn = await this.o.cluster.broker(nodeId);
      version = conn.versionOf(fetchApi);
      full = version < 7 || session.id === 0;
      res = await this.sendFetch(conn, version, picked, session, wait);
    } catch (e) {
      resetSession(session);
      if (!this.running) return false;
      if (e instanceof KafkaError && e.retriable) {
        // connection lost (broker restart), timeout: look the leaders up again
        for (const s of picked) this.backoff(s, true);
        this.o.cluster.invalidate();
        this.refreshSoon();
        return false;
      }
      for (const s of picked) s.failed = true;
      this.o.onError(e);
      return false;
    }
    if (SESSION_ERRORS.has(res.errorCode)) {
      resetSession(session); // evicted or out of step: the next request is a full one
      return false;
    }
    if (res.errorCode !== 0) {
      resetSession(session);
      for (const s of picked) this.backoff(s, REROUTE.has(res.errorCode));
      if (!isRetriable(res.errorCode))
        this.o.onError(new KafkaError(res.errorCode, 'fetch refused', { context: { api: 'Fetch' } }));
      this.refreshSoon();
      return false;
    }
    if (version >= 7) {
      if (full) {
        session.id = res.sessionId; // 0: the broker keeps no session for us; the next request is full again
        session.epoch = res.sessionId === 0 ? 0 : 1;
      } else session.epoch = session.epoch >= 0x7fffffff ? 1 : session.epoch + 1;
    }
    let hadRecords = false;
    for (const t of res.responses) {
      const topic = version >= 13 ? this.topicById.get(t.topicId) : t.topic;
      if (topic === undefined) continue;
      for (const p of t.partitions) {
        const s = this.states.get(`${topic}:${p.partitionIndex}`);
        if (!s || s.leader !== nodeId || s.failed || (!session.sent.has(s.key) && version >= 7)) continue;
        if (p.errorCode !== 0) this.partitionError(s, p.errorCode, 'Fetch');
        else {
          if (p.records && p.records.length > 0) hadRecords = true;
          this.deliver(s, p);
        }
      }
    }
    return hadRecords;
  }

  private sendFetch(
    conn: Awaited<ReturnType<WireCluster['broker']>>,
    version: number,
    picked: PartitionState[],
    session: FetchSession,
    wait: { minBytes: number; maxWaitMs: number },
  ) {
    const useSession = version >= 7;
    const full = !useSession || session.id === 0;
    let toSend = picked;
    const forgotten = new Map<string, NonNullable<FetchRequest['forgottenTopicsData']>[number]>();
    if (full) {
      session.sent.clear();
      for (const s of picked)
        session.sent.set(s.key, {
          state: s,
          offset: s.position as bigint,
          maxBytes: s.partitionMaxBytes,
          leaderEpoch: s.leaderEpoch,
        });
    } else {
      // only what the broker does not hold yet: new partitions and moved offsets, sizes or leader epochs
      toSend = [];
      const pickedKeys = new Set<string>();
      for (const s of picked) {
        pickedKeys.add(s.key);
        const had = session.sent.get(s.key);
        if (
          had &&
          had.offset === s.position &&
          had.maxBytes === s.partitionMaxBytes &&
          had.leaderEpoch === s.leaderEpoch
        )
          continue;
        toSend.push(s);
        session.sent.set(s.key, {
          state: s,
          offset: s.position as bigint,
          maxBytes: s.partitionMaxBytes,
          leaderEpoch: s.leaderEpoch,
        });
      }
      // paused, failed, backing off, moved: out of the session, or the broker keeps answering for them
      for (const [key, had] of session.sent) {
        if (pickedKeys.has(key)) continue;
        session.sent.delete(key);
        const topic = had.state.tp.topic;
        let f = forgotten.get(topic);
        if (!f) {
          f = { topic, topicId: this.topicIds.get(topic) ?? ZERO_UUID, partitions: [] };
          forgotten.set(topic, f);
        }
        f.partitions.push(had.state.tp.partition);
      }
    }
    const byTopic = new Map<string, FetchRequest['topics'][number]>();
    for (const s of toSend) {
      let t = byTopic.get(s.tp.topic);
      if (!t) {
        t = { topic: s.tp.topic, topicId: this.topicIds.get(s.tp.topic) ?? ZERO_UUID, partitions: [] };
        byTopic.set(s.tp.topic, t);
      }
      t.partitions.push({
        partition: s.tp.partition,
        currentLeaderEpoch: s.leaderEpoch,
        fetchOffset: s.position as bigint,
        partitionMaxBytes: s.partitionMaxBytes,
      });
    }
    const req: FetchRequest = {
      maxWaitMs: wait.maxWaitMs,
      minBytes: wait.minBytes,
      maxBytes: this.maxBytes,
      isolationLevel: READ_COMMITTED,
      // full: 0/0 asks for a session (0/-1 would be a sessionless fetch); incremental: the session's id/epoch
      sessionId: full ? 0 : session.id,
      sessionEpoch: useSession ? (full ? 0 : session.epoch) : -1,
      topics: [...byTopic.values()],
      forgottenTopicsData: [...forgotten.values()],
    };
    const timeoutMs = wait.maxWaitMs + (this.o.cluster.config.requestTimeoutMs ?? 30000);
    return conn.send(fetchApi, req, { timeoutMs, version });
  }

  private backoff(s: PartitionState, reroute: boolean): void {
    s.backoffMs = Math.min(s.backoffMs ? s.backoffMs * 2 : 100, 5000);
    s.retryAt = Date.now() + s.backoffMs;
    if (reroute) s.leader = -1;
  }

  private partitionError(s: PartitionState, code: number, api: string): void {
    if (code === ErrorCode.OFFSET_OUT_OF_RANGE && api === 'Fetch') {
      s.resolving = true;
      void this.repairOutOfRange(s).finally(() => {
        s.resolving = false;
        this.wake();
      });
      return;
    }
    if (REROUTE.has(code)) {
      this.backoff(s, true);
      this.o.cluster.invalidate(s.tp.topic);
      this.refreshSoon();
      return;
    }
    if (isRetriable(code)) {
      this.backoff(s, false);
      return;
    }
    s.failed = true;
    this.o.onError(
      new KafkaError(code, null, { context: { api, topic: s.tp.topic, partition: s.tp.partition } }),
    );
  }

  /**
   * The topic was deleted and created again: what was not fetched of the old topic is lost; the new topic is
   * fetched from its log start (all of it is new, whatever the start position says).
   */
  private topicRecreated(s: PartitionState, oldTopicId: string, topicId: string): void {
    const from = s.position;
    const knownEnd = this.o.knownEnds?.get(s.key) ?? -1n;
    const lastEnd = s.lastLso > knownEnd ? s.lastLso : knownEnd;
    s.lastHw = -1n;
    s.lastLso = -1n;
    if (from === undefined) return; // nothing fetched yet: the start position is looked up in the new topic
    s.resolving = true;
    void (async () => {
      for (let attempt = 0; this.running && !s.failed; attempt++) {
        try {
          if (s.leader < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, null);
          const start = (await this.listOffsets(s.leader, [s], EARLIEST)).get(s.key);
          if (start === undefined) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, null);
          const verdict = await this.o.onGap?.({
            topic: s.tp.topic,
            partition: s.tp.partition,
            from,
            to: lastEnd > from ? lastEnd : from,
            logStartOffset: start,
            resumeAt: start,
            reason: 'topic-recreated',
            oldTopicId,
            topicId,
          });
          if (verdict === 'halt') s.paused = true;
          else if (s.position === from) s.position = start;
          return;
        } catch (e) {
          if (!(e instanceof KafkaError && e.retriable) || attempt >= 50) {
            s.failed = true;
            this.o.onError(e);
            return;
          }
          await sleep(Math.min(100 * 2 ** attempt, 2000));
        }
      }
    })().finally(() => {
      s.resolving = false;
      this.wake();
    });
  }

  /** The position is outside the log: report the lost range, continue at the log's start (or end). */
  private async repairOutOfRange(s: PartitionState): Promise<void> {
    const from = s.position as bigint;
    try {
      const leader = s.leader;
      const [start, end] = await Promise.all([
        this.listOffsets(leader, [s], EARLIEST),
        this.listOffsets(leader, [s], LATEST),
      ]);
      const logStart = start.get(s.key);
      const logEnd = end.get(s.key);
      if (logStart === undefined || logEnd === undefined) return; // the error path already handled it
      let gap: GapEvent | undefined;
      if (from < logStart)
        gap = {
          topic: s.tp.topic,
          partition: s.tp.partition,
          from,
          to: logStart,
          logStartOffset: logStart,
          resumeAt: logStart,
          reason: 'deleted',
        };
      else if (from > logEnd)
        gap = {
          topic: s.tp.topic,
          partition: s.tp.partition,
          from: logEnd,
          to: from,
          logStartOffset: logStart,
          resumeAt: logEnd,
          reason: 'truncated',
        };
      if (!gap) return; // back in range (the log moved meanwhile): fetch again
      const verdict = await this.o.onGap?.(gap);
      if (verdict === 'halt') s.paused = true;
      else if (s.position === from) s.position = gap.resumeAt;
    } catch (e) {
      if (e instanceof KafkaError && e.retriable) {
        this.backoff(s, true);
        this.refreshSoon();
        return;
      }
      s.failed = true;
      this.o.onError(e);
    }
  }

  /**
   * Splits the partition's records, drops control batches and aborted transactions' batches
   * (`committedBatches`), advances the position and hands the data batches over (without waiting for them to
   * be written).
   */
  private deliver(s: PartitionState, p: FetchResponsePartition): void {
    s.backoffMs = 0;
    const position = s.position as bigint;
    const records = p.records;
    let batches: RawBatch[] = [];
    let next = position;
    let truncated = false;
    let bytes = 0;
    if (records && records.length > 0) {
      const split = splitBatches(records);
      truncated = split.truncatedAt !== null;
      const kept = committedBatches(split.batches, p.abortedTransactions, position);
      next = kept.next;
      bytes = kept.bytes;
      batches = kept.batches;
    }
    // A response that held only the start of a batch: ask for more bytes next time (the broker returns at least
    // one whole batch for the first partition of a response, so this only matters for later ones).
    if (truncated && next === position)
      s.partitionMaxBytes = Math.min(s.partitionMaxBytes * 2, this.maxBytes);
    else if (!truncated) s.partitionMaxBytes = this.o.maxBytesPerPartition;
    const hw = p.highWatermark;
    const lso = p.lastStableOffset >= 0n ? p.lastStableOffset : hw;
    if (batches.length === 0 && next === position && hw === s.lastHw && lso === s.lastLso) return;
    s.position = next;
    s.lastHw = hw;
    s.lastLso = lso;
    const chunk: FetchedChunk = {
      topic: s.tp.topic,
      partition: s.tp.partition,
      batches,
      fromOffset: position,
      nextOffset: next,
      highWatermark: hw,
      lastStableOffset: lso,
      logStartOffset: p.logStartOffset,
      bytes,
    };
    s.inFlight += bytes;
    this.totalInFlight += bytes;
    s.chain = s.chain.then(async () => {
      try {
        if (!s.failed) await this.o.onChunk(chunk);
      } catch (e) {
        s.failed = true;
        this.o.onError(e);
      } finally {
        s.inFlight -= bytes;
        this.totalInFlight -= bytes;
        this.wake();
      }
    });
  }
}

/**
 * The batches a read_committed reader delivers, and the position after all of them (control and aborted
 * batches included). Like the Java consumer: the response lists (producer id, first offset) of every aborted
 * transaction overlapping the fetched range; walking batches in offset order, a producer becomes "aborting" once
 * a batch reaches its transaction's first offset, and stops being so at its next control batch (the abort
 * marker: a producer has one open transaction per partition, so the marker after that first offset is the
 * abort). Transactional batches of an aborting producer are dropped; batches wholly below `position` are skipped.
 * Reads only batch headers.
 */
export function committedBatches(
  all: readonly RawBatch[],
  aborted: AbortedTransaction[] | null,
  position: bigint,
): { batches: RawBatch[]; next: bigint; bytes: number } {
  const batches: RawBatch[] = [];
  let next = position;
  let bytes = 0;
  if (aborted && aborted.length > 1)
    aborted.sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  let ai = 0;
  let aborting: Set<bigint> | undefined;
  for (const b of all) {
    const h = b.header;
    const last = lastOffsetOf(h);
    if (last < position) continue;
    if (aborted)
      while (ai < aborted.length && (aborted[ai] as AbortedTransaction).firstOffset <= last) {
        aborting ??= new Set();
        aborting.add((aborted[ai] as AbortedTransaction).producerId);
        ai++;
      }
    next = last + 1n;
    if (h.isControl) {
      aborting?.delete(h.producerId);
      continue;
    }
    if (h.isTransactional && aborting?.has(h.producerId)) continue;
    batches.push(b);
    bytes += b.bytes.length;
  }
  return { batches, next, bytes };
}

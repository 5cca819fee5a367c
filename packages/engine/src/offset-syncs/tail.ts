import type { Admin } from 'kafkajs';
import type { ClusterConfig } from '../config/flow-config.ts';
import { AssignedFetcher } from '../datapath/assigned-fetch.ts';
import { FerryError, toFerryError } from '../errors.ts';
import { wireConfigFor } from '../kafka/client.ts';
import { decodeRecords } from '../records/index.ts';
import { WireCluster } from '../wire/index.ts';
import { OffsetSyncStore } from './store.ts';
import { decodeExactSync, type ExactSync } from './sync-record.ts';

/**
 * Follows the syncs topic on the target (read_committed, by assignment over Ferry's wire layer: no consumer
 * group) and keeps an `OffsetSyncStore` current. `caughtUp()` resolves once every sync committed before the
 * call is in the store, so a translation made after it sees all records the data path replicated up to then.
 */
export class OffsetSyncTail {
  readonly store: OffsetSyncStore;
  private readonly cluster: ClusterConfig;
  private readonly admin: Admin;
  readonly topic: string;
  private wire: WireCluster | undefined;
  private fetcher: AssignedFetcher | undefined;
  /** Next offset to read per partition (markers and aborted records count as read). */
  private readonly position = new Map<number, bigint>();
  private waiters: Array<() => void> = [];
  private crashed: FerryError | undefined;
  private readonly listeners: Array<(syncs: ExactSync[]) => void | Promise<void>> = [];
  private pollTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** `cluster`: the target's stored config (the syncs topic lives there); `admin`: a connected admin of it. */
  constructor(cluster: ClusterConfig, admin: Admin, topic: string, store = new OffsetSyncStore()) {
    this.cluster = cluster;
    this.admin = admin;
    this.topic = topic;
    this.store = store;
  }

  /**
   * Called with the syncs of each fetched chunk, in offset order (before `caughtUp` counts them as read);
   * register before `start`. Per chunk, not per sync: a listener that writes them (the MM2 mirror) needs one
   * round trip per chunk — one per sync took minutes through a long syncs topic read from the beginning.
   */
  onSyncs(listener: (syncs: ExactSync[]) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  /** Starts following; when the syncs topic does not exist yet (no transaction wrote one), once it appears. */
  async start(): Promise<void> {
    this.stopped = false;
    if ((await this.admin.listTopics()).includes(this.topic)) return this.follow();
    const poll = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        if ((await this.admin.listTopics()).includes(this.topic)) return await this.follow();
      } catch {
        // the target is unreachable for now: try again
      }
      this.pollTimer = setTimeout(() => void poll(), 1000);
    };
    this.pollTimer = setTimeout(() => void poll(), 1000);
  }

  private async follow(): Promise<void> {
    if (this.stopped) return;
    const partitions = (await this.admin.fetchTopicOffsets(this.topic)).map((o) => o.partition);
    this.wire = new WireCluster(
      wireConfigFor(this.cluster, `ferry-offset-syncs-reader.${this.cluster.alias}`),
    );
    const fetcher = new AssignedFetcher({
      cluster: this.wire,
      partitions: partitions.map((partition) => ({ topic: this.topic, partition })),
      positions: new Map(),
      startPosition: 'earliest',
      maxBytesPerPartition: 1 << 20,
      maxWaitMs: 200,
      onChunk: async (c) => {
        const syncs: ExactSync[] = [];
        for (const b of c.batches)
          for (const m of await decodeRecords(b)) {
            if (!m.key || !m.value) continue;
            const sync = decodeExactSync({ key: m.key, value: m.value });
            this.store.add(sync);
            syncs.push(sync);
          }
        if (syncs.length > 0) for (const l of this.listeners) await l(syncs);
        if (c.nextOffset > (this.position.get(c.partition) ?? 0n))
          this.position.set(c.partition, c.nextOffset);
        this.wake();
      },
      onError: (e) => {
        this.crashed = toFerryError(e, 'OFFSET_SYNCS_READ_FAILED', { topic: this.topic });
        this.wake();
      },
    });
    this.fetcher = fetcher;
    await fetcher.start();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until the store holds every sync committed before this call. */
  async caughtUp(timeoutMs = 30_000): Promise<void> {
    const ends = await this.admin.fetchTopicOffsets(this.topic);
    const deadline = Date.now() + timeoutMs;
    const behind = () =>
      ends.some(
        (o) =>
          BigInt(o.high) > BigInt(o.low) &&
          (this.position.get(o.partition) ?? BigInt(o.low)) < BigInt(o.high),
      );
    while (behind()) {
      if (this.crashed) throw this.crashed;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new FerryError(
          'OFFSET_SYNCS_BEHIND',
          `reading ${this.topic} did not catch up within ${timeoutMs} ms`,
          { retriable: true, context: { topic: this.topic } },
        );
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    const f = this.fetcher;
    const w = this.wire;
    this.fetcher = undefined;
    this.wire = undefined;
    this.wake();
    await f?.stop().catch(() => undefined);
    await w?.close().catch(() => undefined);
  }
}

/** One-shot: the store of a flow as its syncs topic holds it now (`cluster`: the target's stored config). */
export async function loadOffsetSyncs(
  cluster: ClusterConfig,
  admin: Admin,
  topic: string,
): Promise<OffsetSyncStore> {
  const topics = await admin.listTopics();
  const tail = new OffsetSyncTail(cluster, admin, topic);
  if (!topics.includes(topic)) return tail.store;
  try {
    await tail.start();
    await tail.caughtUp(60_000);
  } catch (e) {
    throw toFerryError(e, 'OFFSET_SYNCS_LOAD_FAILED', { topic });
  } finally {
    await tail.stop();
  }
  return tail.store;
}

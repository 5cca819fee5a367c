import { randomBytes } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { FerryError, toFerryError } from '../errors.ts';
import { OffsetSyncStore } from './store.ts';
import { decodeExactSync, type ExactSync } from './sync-record.ts';

/**
 * Follows the syncs topic on the target (read_committed) and keeps an `OffsetSyncStore` current. `caughtUp()`
 * resolves once every sync committed before the call is in the store, so a translation made after it sees all
 * records the data path replicated up to then.
 */
export class OffsetSyncTail {
  readonly store: OffsetSyncStore;
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  readonly topic: string;
  private consumer: Consumer | undefined;
  /** Next offset to read per partition (markers and aborted records count as read). */
  private readonly position = new Map<number, bigint>();
  private waiters: Array<() => void> = [];
  private crashed: FerryError | undefined;
  private readonly listeners: Array<(s: ExactSync) => void | Promise<void>> = [];

  constructor(kafka: Kafka, admin: Admin, topic: string, store = new OffsetSyncStore()) {
    this.kafka = kafka;
    this.admin = admin;
    this.topic = topic;
    this.store = store;
  }

  /** Called for every sync read (before `caughtUp` counts it as read); register before `start`. */
  onSync(listener: (s: ExactSync) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    const c = this.kafka.consumer({
      groupId: `ferry-reader.${randomBytes(6).toString('hex')}`,
      readUncommitted: false,
      maxWaitTimeInMs: 200,
      allowAutoTopicCreation: false,
    });
    this.consumer = c;
    c.on(c.events.END_BATCH_PROCESS, (e) => {
      const next = BigInt(e.payload.lastOffset) + 1n;
      if (next > (this.position.get(e.payload.partition) ?? 0n)) this.position.set(e.payload.partition, next);
      this.wake();
    });
    c.on(c.events.CRASH, (e) => {
      this.crashed = toFerryError(e.payload.error, 'OFFSET_SYNCS_READ_FAILED', { topic: this.topic });
      this.wake();
    });
    await c.connect();
    await c.subscribe({ topics: [this.topic], fromBeginning: true });
    await c.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (!m.key || !m.value) continue;
          const sync = decodeExactSync({ key: m.key, value: m.value });
          this.store.add(sync);
          for (const l of this.listeners) await l(sync);
        }
      },
    });
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
    const c = this.consumer;
    this.consumer = undefined;
    this.wake();
    if (c) await c.disconnect().catch(() => undefined);
  }
}

/** One-shot: the store of a flow as its syncs topic holds it now. */
export async function loadOffsetSyncs(kafka: Kafka, admin: Admin, topic: string): Promise<OffsetSyncStore> {
  const topics = await admin.listTopics();
  const tail = new OffsetSyncTail(kafka, admin, topic);
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

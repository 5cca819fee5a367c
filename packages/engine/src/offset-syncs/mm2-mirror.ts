import type { Admin, Kafka } from 'kafkajs';
import type { SyncEventListener } from '../checkpoints/events.ts';
import type { ClusterConfig } from '../config/flow-config.ts';
import { toFerryError } from '../errors.ts';
import { RenewingProducer } from '../kafka/renewing-producer.ts';
import { encodeOffsetSync, mm2OffsetSyncsTopic } from '../mm2-formats/records.ts';
import { ensureCompactedTopic } from './loader.ts';
import { type ExactSync, offsetSyncsTopic, runRecords } from './sync-record.ts';
import { OffsetSyncTail } from './tail.ts';

/** MM2 OffsetSync records per send (each is well under 200 bytes). */
const MIRROR_SEND_MAX_RECORDS = 2000;

/**
 * `offset-syncs.topic.location=source`, for MM2 tooling: mirrors Ferry's exact syncs (on the target) as MM2
 * `OffsetSync` records into `mm2-offset-syncs.<target>.internal` on the SOURCE: one per chunk, pairing the chunk's
 * last source offset with its target offset (MM2 writes one every `offset.lag.max` records; these are exact).
 */
export class Mm2OffsetSyncMirror {
  private readonly tail: OffsetSyncTail;
  private readonly sourceKafka: Kafka;
  private readonly sourceAdmin: Admin;
  private readonly topic: string;
  private readonly flow: string;
  private readonly emit: SyncEventListener;
  private producer: RenewingProducer | undefined;
  private readonly replicationFactor: number;

  constructor(
    o: {
      sourceAlias: string;
      targetAlias: string;
      source: Kafka;
      sourceAdmin: Admin;
      target: Kafka;
      targetAdmin: Admin;
      /** The target's stored config: the syncs topic there is read over the wire layer. */
      targetCluster: ClusterConfig;
      replicationFactor?: number;
    },
    emit: SyncEventListener,
  ) {
    this.tail = new OffsetSyncTail(o.targetCluster, o.targetAdmin, offsetSyncsTopic(o.sourceAlias));
    this.sourceKafka = o.source;
    this.sourceAdmin = o.sourceAdmin;
    this.topic = mm2OffsetSyncsTopic(o.targetAlias);
    this.flow = `${o.sourceAlias}->${o.targetAlias}`;
    this.emit = emit;
    this.replicationFactor = o.replicationFactor ?? -1;
  }

  async start(): Promise<void> {
    await ensureCompactedTopic(this.sourceAdmin, this.topic, this.replicationFactor);
    // A failed mirror write replaces the producer: the next sync is written with a new one.
    this.producer = new RenewingProducer(
      this.sourceKafka,
      { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false },
      { beforeRenew: () => ensureCompactedTopic(this.sourceAdmin, this.topic, this.replicationFactor) },
    );
    await this.producer.connect();
    this.tail.onSyncs((syncs) => this.mirror(syncs));
    await this.tail.start();
  }

  /** One send per chunk of Ferry syncs (in their order, one partition): each sync becomes one MM2 record. */
  private async mirror(syncs: ExactSync[]): Promise<void> {
    const messages = syncs.flatMap((s) => {
      const n = runRecords(s.runs);
      const last = s.runs[s.runs.length - 1];
      if (n === 0 || !last) return [];
      return [
        {
          partition: 0,
          ...encodeOffsetSync({
            topic: s.sourceTopic,
            partition: s.partition,
            upstreamOffset: last.start + BigInt(last.length) - 1n,
            downstreamOffset: s.targetBaseOffset + BigInt(n) - 1n,
          }),
        },
      ];
    });
    try {
      // slices keep each record batch well under the default max.message.bytes (1 MiB)
      for (let i = 0; i < messages.length; i += MIRROR_SEND_MAX_RECORDS)
        await this.producer!.send({
          topic: this.topic,
          acks: -1,
          messages: messages.slice(i, i + MIRROR_SEND_MAX_RECORDS),
        });
    } catch (e) {
      this.emit({
        type: 'sync-error',
        flow: this.flow,
        what: 'offset-syncs',
        topic: this.topic,
        error: toFerryError(e, 'MM2_OFFSET_SYNC_FAILED', { topic: this.topic }),
      });
    }
  }

  /** Waits until every Ferry sync committed before the call has been mirrored. */
  caughtUp(): Promise<void> {
    return this.tail.caughtUp();
  }

  async stop(): Promise<void> {
    await this.tail.stop();
    await this.producer?.disconnect().catch(() => undefined);
  }
}

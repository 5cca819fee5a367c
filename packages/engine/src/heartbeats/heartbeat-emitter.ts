import type { Admin, Kafka } from 'kafkajs';
import type { SyncEventListener } from '../checkpoints/events.ts';
import { toFerryError } from '../errors.ts';
import { RenewingProducer } from '../kafka/renewing-producer.ts';
import { encodeHeartbeat, HEARTBEATS_TOPIC } from '../mm2-formats/records.ts';
import { ensureCompactedTopic } from '../offset-syncs/loader.ts';

export interface HeartbeatEmitterOptions {
  sourceAlias: string;
  targetAlias: string;
  target: Kafka;
  targetAdmin: Admin;
  intervalMs: number;
  replicationFactor?: number;
  onEvent: SyncEventListener;
}

/**
 * MM2's heartbeat connector: every interval, one Heartbeat(source, target, now) record on the TARGET's
 * `heartbeats` topic (one partition, compacted). The data path replicates every `heartbeats` topic along each
 * hop (`<alias>.heartbeats`, `<a>.<b>.heartbeats`, …), never back to a cluster it passed, which is how
 * `RemoteClusterUtils.upstreamClusters` / `replicationHops` see the topology. Like MM2, run one emitter per
 * cluster pair, also for pairs whose replication is not enabled.
 */
export class HeartbeatEmitter {
  private readonly o: HeartbeatEmitterOptions;
  private producer: RenewingProducer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;

  constructor(o: HeartbeatEmitterOptions) {
    this.o = o;
  }

  private get flow(): string {
    return `${this.o.sourceAlias}->${this.o.targetAlias}`;
  }

  async start(): Promise<void> {
    await this.open();
    await this.beat();
    this.timer = setInterval(() => {
      if (!this.beating) this.beating = this.beat().finally(() => (this.beating = undefined));
    }, this.o.intervalMs);
  }

  /** Creates the `heartbeats` topic and connects; beat() then sends one (a managed flow's control job does).
   * After a failed beat the next one uses a new producer (and re-creates the topic if it was deleted). */
  async open(): Promise<void> {
    const ensureTopic = () =>
      ensureCompactedTopic(this.o.targetAdmin, HEARTBEATS_TOPIC, this.o.replicationFactor ?? -1);
    await ensureTopic();
    this.producer = new RenewingProducer(
      this.o.target,
      { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false },
      { beforeRenew: ensureTopic },
    );
    await this.producer.connect();
  }

  /** Producers replaced after a failed beat. */
  get renewals(): number {
    return this.producer?.renewals ?? 0;
  }

  /** Sends one heartbeat now; failures are reported, not thrown. */
  async beat(): Promise<void> {
    const timestamp = Date.now();
    try {
      await this.producer!.send({
        topic: HEARTBEATS_TOPIC,
        acks: -1,
        messages: [
          {
            partition: 0,
            timestamp: String(timestamp),
            ...encodeHeartbeat({
              sourceClusterAlias: this.o.sourceAlias,
              targetClusterAlias: this.o.targetAlias,
              timestamp: BigInt(timestamp),
            }),
          },
        ],
      });
      this.o.onEvent({ type: 'heartbeat-emitted', flow: this.flow, timestamp });
    } catch (e) {
      this.o.onEvent({
        type: 'sync-error',
        flow: this.flow,
        what: 'heartbeats',
        topic: HEARTBEATS_TOPIC,
        error: toFerryError(e, 'HEARTBEAT_FAILED', { cluster: this.o.targetAlias, topic: HEARTBEATS_TOPIC }),
      });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    await this.producer?.disconnect().catch(() => undefined);
  }
}

import type { Kafka, Producer, ProducerConfig, ProducerRecord, RecordMetadata } from 'kafkajs';

export interface RenewingProducerOptions {
  /** Runs before each new producer after a failure (e.g. re-create a topic someone deleted). Its own
   * failure is the send's failure; the next send tries again. */
  beforeRenew?: () => Promise<void>;
}

/**
 * The producer of a periodic, independent write (heartbeats, checkpoints, MM2 offset syncs): after any
 * failed send it is thrown away and the next send uses a new one. An idempotent producer whose send failed
 * can be left with a producer id or sequence numbers the broker no longer accepts — after broker restarts
 * kafkajs then fails every later send with OUT_OF_ORDER_SEQUENCE_NUMBER (or UNKNOWN_PRODUCER_ID, or a
 * fenced epoch) forever, since it never asks for a new producer id. A new producer starts with a new id
 * and sequence 0. Retrying with the same producer is what never recovered; the periodic caller's next round
 * is the retry, so nothing here loops.
 */
export class RenewingProducer {
  private readonly kafka: Kafka;
  private readonly config: ProducerConfig;
  private readonly o: RenewingProducerOptions;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private broken = false;
  /** How many producers were replaced after a failure (for tests and diagnostics). */
  renewals = 0;
  private closed = false;

  constructor(kafka: Kafka, config: ProducerConfig, o: RenewingProducerOptions = {}) {
    this.kafka = kafka;
    this.config = config;
    this.o = o;
  }

  /** Connects the first producer (a failure here is the caller's to report). */
  async connect(): Promise<void> {
    await this.current();
  }

  private current(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      if (this.broken) {
        await this.o.beforeRenew?.();
        this.renewals++;
      }
      const p = this.kafka.producer(this.config);
      try {
        await p.connect();
      } catch (e) {
        await p.disconnect().catch(() => undefined);
        throw e;
      }
      if (this.closed) {
        await p.disconnect().catch(() => undefined);
        throw new Error('producer closed');
      }
      this.producer = p;
      this.broken = false;
      return p;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    const p = await this.current().catch((e) => {
      this.broken = true;
      throw e;
    });
    try {
      return await p.send(record);
    } catch (e) {
      if (this.producer === p) {
        this.producer = undefined;
        this.broken = true;
        await p.disconnect().catch(() => undefined);
      }
      throw e;
    }
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    const p = this.producer;
    this.producer = undefined;
    await this.connecting?.catch(() => undefined);
    await p?.disconnect().catch(() => undefined);
  }
}

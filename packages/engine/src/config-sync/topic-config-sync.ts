import kafkajs, { type Admin } from 'kafkajs';
import type { SyncEventListener } from '../checkpoints/events.ts';
import type { FlowConfig } from '../config/flow-config.ts';
import { FerryError } from '../errors.ts';
import { type ConfigPropertyFilter, configPropertyFilter, configsToSync } from './config-filter.ts';
import { describeSyncError, replicatedTopicPairs } from './replicated-topics.ts';

const { ConfigResourceTypes, ConfigSource } = kafkajs;

export interface TopicConfigSyncResult {
  topic: string;
  remoteTopic: string;
  ok: boolean;
  /** What was set on the remote topic (when something changed). */
  changed?: Array<{ name: string; value: string }>;
  error?: FerryError;
}

/**
 * MM2's topic-config sync: the source topic's own (non-default) configs, minus `config.properties.exclude`, are
 * set on the remote topic. The remote topic's overrides of excluded properties are kept; a synced property that
 * disappeared on the source is removed on the remote topic. Per-topic failures are reported in words.
 */
export class TopicConfigSync {
  private readonly flow: FlowConfig;
  private readonly source: Admin;
  private readonly target: Admin;
  private readonly emit: SyncEventListener;
  private readonly filter: ConfigPropertyFilter;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    flow: FlowConfig,
    source: Admin,
    target: Admin,
    opts: { exclude?: string[]; intervalMs: number },
    emit: SyncEventListener,
  ) {
    this.flow = flow;
    this.source = source;
    this.target = target;
    this.emit = emit;
    this.filter = configPropertyFilter(opts.exclude);
    this.intervalMs = opts.intervalMs;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.syncOnce().finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private overrides(
    entries: Array<{
      configName: string;
      configValue: string;
      configSource: number;
      isSensitive: boolean;
      readOnly: boolean;
    }>,
  ) {
    return entries.map((e) => ({
      name: e.configName,
      value: e.configValue,
      isTopicOverride: e.configSource === ConfigSource.TOPIC_CONFIG,
      isSensitive: e.isSensitive,
      readOnly: e.readOnly,
    }));
  }

  async syncOnce(): Promise<TopicConfigSyncResult[]> {
    const out: TopicConfigSyncResult[] = [];
    let pairs: Array<{ topic: string; remoteTopic: string }>;
    try {
      pairs = await replicatedTopicPairs(this.flow, this.source, this.target);
    } catch (e) {
      const d = describeSyncError(e, 'list topics', this.flow.source.alias, 'DESCRIBE on the topics');
      this.emit({
        type: 'sync-error',
        flow: this.flow.id,
        what: 'topic-configs',
        error: new FerryError(d.code, d.message, { retriable: true, cause: e }),
      });
      return out;
    }
    for (const { topic, remoteTopic } of pairs) {
      try {
        const [src, dst] = await Promise.all([
          this.source.describeConfigs({
            includeSynonyms: false,
            resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
          }),
          this.target.describeConfigs({
            includeSynonyms: false,
            resources: [{ type: ConfigResourceTypes.TOPIC, name: remoteTopic }],
          }),
        ]);
        const want = configsToSync(this.overrides(src.resources[0]!.configEntries), this.filter);
        const remote = this.overrides(dst.resources[0]!.configEntries).filter(
          (e) => e.isTopicOverride && e.value !== null,
        );
        const keep = remote
          .filter((e) => !this.filter.shouldReplicateConfigProperty(e.name))
          .map((e) => ({ name: e.name, value: e.value }));
        const current = remote
          .filter((e) => this.filter.shouldReplicateConfigProperty(e.name))
          .map((e) => ({ name: e.name, value: e.value }))
          .sort((a, b) => a.name.localeCompare(b.name));
        if (JSON.stringify(current) === JSON.stringify(want)) {
          out.push({ topic, remoteTopic, ok: true });
          continue;
        }
        try {
          await this.target.alterConfigs({
            validateOnly: false,
            resources: [
              { type: ConfigResourceTypes.TOPIC, name: remoteTopic, configEntries: [...want, ...keep] },
            ],
          });
        } catch (e) {
          const d = describeSyncError(
            e,
            `alter the configs of ${remoteTopic}`,
            this.flow.target.alias,
            `ALTER_CONFIGS on topic ${remoteTopic}`,
          );
          throw new FerryError(d.code, d.message, {
            context: { cluster: this.flow.target.alias, topic: remoteTopic },
            cause: e,
          });
        }
        out.push({ topic, remoteTopic, ok: true, changed: want });
        this.emit({ type: 'topic-config-synced', flow: this.flow.id, topic, remoteTopic, configs: want });
      } catch (e) {
        const error =
          e instanceof FerryError
            ? e
            : (() => {
                const d = describeSyncError(
                  e,
                  `describe the configs of ${topic} / ${remoteTopic}`,
                  `${this.flow.source.alias} or ${this.flow.target.alias}`,
                  'DESCRIBE_CONFIGS on the topics',
                );
                return new FerryError(d.code, d.message, { context: { topic }, cause: e });
              })();
        out.push({ topic, remoteTopic, ok: false, error });
        this.emit({ type: 'sync-error', flow: this.flow.id, what: 'topic-configs', topic, error });
      }
    }
    return out;
  }
}

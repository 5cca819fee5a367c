import type { Admin, Kafka } from 'kafkajs';
import { TopicAclSync } from '../acl-sync/acl-sync.ts';
import type { FlowConfig } from '../config/flow-config.ts';
import { TopicConfigSync } from '../config-sync/topic-config-sync.ts';
import { HeartbeatEmitter } from '../heartbeats/heartbeat-emitter.ts';
import { kafkaFor } from '../kafka/client.ts';
import { Mm2OffsetSyncMirror } from '../offset-syncs/mm2-mirror.ts';
import { CheckpointTask } from './checkpoint-task.ts';
import type { SyncEventListener } from './events.ts';
import type { SyncSettings } from './settings.ts';

/**
 * Everything of a flow besides the data path, as MM2's checkpoint and heartbeat connectors and the source
 * connector's config/ACL sync do it: checkpoints (+ group offset sync), heartbeats, topic configs, topic ACLs.
 * The flow runner starts one per enabled flow; `heartbeatsOnly` for a cluster pair whose flow is disabled (MM2
 * emits heartbeats for every pair so upstream clusters can be discovered).
 */
export class FlowSyncRunner {
  private readonly flow: FlowConfig;
  private readonly settings: SyncSettings;
  private readonly emit: SyncEventListener;
  private readonly heartbeatsOnly: boolean;
  private clients: { source: Kafka; target: Kafka; sourceAdmin: Admin; targetAdmin: Admin } | undefined;
  private parts: Array<{ stop(): Promise<void> }> = [];
  checkpoints: CheckpointTask | undefined;

  constructor(
    flow: FlowConfig,
    settings: SyncSettings,
    emit: SyncEventListener,
    opts: { heartbeatsOnly?: boolean } = {},
  ) {
    this.flow = flow;
    this.settings = settings;
    this.emit = emit;
    this.heartbeatsOnly = opts.heartbeatsOnly ?? false;
  }

  async start(): Promise<void> {
    const f = this.flow;
    const s = this.settings;
    const source = kafkaFor(f.source, `ferry-sync.${f.source.alias}.${f.target.alias}`);
    const target = kafkaFor(f.target, `ferry-sync.${f.source.alias}.${f.target.alias}`);
    const sourceAdmin = source.admin();
    const targetAdmin = target.admin();
    await targetAdmin.connect();
    if (!this.heartbeatsOnly) await sourceAdmin.connect();
    this.clients = { source, target, sourceAdmin, targetAdmin };
    if (s.emitHeartbeatsEnabled) {
      const hb = new HeartbeatEmitter({
        sourceAlias: f.source.alias,
        targetAlias: f.target.alias,
        target,
        targetAdmin,
        intervalMs: s.emitHeartbeatsIntervalMs,
        replicationFactor: s.heartbeatsReplicationFactor,
        onEvent: this.emit,
      });
      await hb.start();
      this.parts.push(hb);
    }
    if (this.heartbeatsOnly) return;
    if (s.emitCheckpointsEnabled || s.syncGroupOffsetsEnabled) {
      this.checkpoints = new CheckpointTask(f, s, this.clients, this.emit);
      await this.checkpoints.start();
      this.parts.push(this.checkpoints);
    }
    if (s.offsetSyncsTopicLocation === 'source' && s.emitOffsetSyncsEnabled) {
      const m = new Mm2OffsetSyncMirror(
        {
          sourceAlias: f.source.alias,
          targetAlias: f.target.alias,
          ...this.clients,
          targetCluster: f.target,
          replicationFactor: s.offsetSyncsReplicationFactor,
        },
        this.emit,
      );
      await m.start();
      this.parts.push(m);
    }
    if (s.syncTopicConfigsEnabled) {
      const c = new TopicConfigSync(
        f,
        sourceAdmin,
        targetAdmin,
        { exclude: s.configPropertiesExclude, intervalMs: s.syncTopicConfigsIntervalMs },
        this.emit,
      );
      c.start();
      this.parts.push(c);
    }
    if (s.syncTopicAclsEnabled) {
      const a = new TopicAclSync(
        f,
        sourceAdmin,
        targetAdmin,
        { intervalMs: s.syncTopicAclsIntervalMs },
        this.emit,
      );
      a.start();
      this.parts.push(a);
    }
  }

  async stop(): Promise<void> {
    for (const p of this.parts.splice(0).reverse()) await p.stop().catch(() => undefined);
    await this.clients?.sourceAdmin.disconnect().catch(() => undefined);
    await this.clients?.targetAdmin.disconnect().catch(() => undefined);
    this.clients = undefined;
  }
}

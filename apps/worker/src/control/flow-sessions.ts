import type { SecretKey } from '@ferry/core/secret-box';
import type { Db } from '@ferry/db';
import {
  CheckpointTask,
  type FlowConfig,
  HeartbeatEmitter,
  kafkaFor,
  resolveSyncSettings,
  type SyncClients,
  type SyncEvent,
  type SyncSettings,
  TopicAclSync,
  TopicConfigSync,
} from '@ferry/engine';
import { syncProperties, toEngineFlow } from '../engine-runner.ts';
import { loadFlow, type ResolvedFlow } from '../flows/load-flow.ts';

/**
 * What a worker keeps between one flow's control jobs (checkpoints, heartbeats, config/ACL sync): Kafka
 * clients, the offset-sync index the checkpoints translate with, producers. Built on the first job of a
 * generation that lands on this worker; closed when the flow moves to a newer generation or no job used it
 * for a while. Any worker can run any control job: a session is a cache, never the only copy of anything.
 */
export class FlowControlSession {
  readonly flow: ResolvedFlow;
  readonly generation: number;
  readonly engineFlow: FlowConfig;
  readonly settings: SyncSettings;
  lastUsedAt = Date.now();
  private readonly emit: (e: SyncEvent) => void;
  private clientsP: Promise<SyncClients> | undefined;
  private parts = new Map<string, Promise<unknown>>();
  private closers: Array<() => Promise<void>> = [];

  constructor(flow: ResolvedFlow, emit: (flow: ResolvedFlow, e: SyncEvent) => void) {
    this.flow = flow;
    this.generation = flow.generation;
    this.engineFlow = toEngineFlow(flow);
    this.settings = resolveSyncSettings(syncProperties(flow), flow.source.alias, flow.target.alias);
    this.emit = (e) => emit(flow, e);
  }

  private clients(): Promise<SyncClients> {
    this.clientsP ??= (async () => {
      const f = this.engineFlow;
      const source = kafkaFor(f.source, `ferry-control.${f.source.alias}.${f.target.alias}`);
      const target = kafkaFor(f.target, `ferry-control.${f.source.alias}.${f.target.alias}`);
      const sourceAdmin = source.admin();
      const targetAdmin = target.admin();
      await Promise.all([sourceAdmin.connect(), targetAdmin.connect()]);
      this.closers.push(async () => {
        await sourceAdmin.disconnect().catch(() => undefined);
        await targetAdmin.disconnect().catch(() => undefined);
      });
      return { source, target, sourceAdmin, targetAdmin };
    })();
    // A failed connect is retried by the next job, not cached.
    this.clientsP.catch(() => (this.clientsP = undefined));
    return this.clientsP;
  }

  /** One part built once per session (concurrent jobs share the build); a failed build is retried next time. */
  private part<T>(name: string, build: () => Promise<T>, close: (t: T) => Promise<void>): Promise<T> {
    let p = this.parts.get(name) as Promise<T> | undefined;
    if (!p) {
      p = build().then((t) => {
        this.closers.unshift(() => close(t));
        return t;
      });
      this.parts.set(name, p);
      p.catch(() => this.parts.delete(name));
    }
    this.lastUsedAt = Date.now();
    return p;
  }

  checkpoints(): Promise<CheckpointTask> {
    return this.part(
      'checkpoints',
      async () => {
        const t = new CheckpointTask(this.engineFlow, this.settings, await this.clients(), this.emit);
        await t.open();
        return t;
      },
      (t) => t.stop(),
    );
  }

  heartbeats(): Promise<HeartbeatEmitter> {
    return this.part(
      'heartbeats',
      async () => {
        const c = await this.clients();
        const hb = new HeartbeatEmitter({
          sourceAlias: this.flow.source.alias,
          targetAlias: this.flow.target.alias,
          target: c.target,
          targetAdmin: c.targetAdmin,
          intervalMs: this.settings.emitHeartbeatsIntervalMs,
          replicationFactor: this.settings.heartbeatsReplicationFactor,
          onEvent: this.emit,
        });
        await hb.open();
        return hb;
      },
      (hb) => hb.stop(),
    );
  }

  topicConfigs(): Promise<TopicConfigSync> {
    return this.part(
      'topic-configs',
      async () => {
        const c = await this.clients();
        return new TopicConfigSync(
          this.engineFlow,
          c.sourceAdmin,
          c.targetAdmin,
          {
            exclude: this.settings.configPropertiesExclude,
            intervalMs: this.settings.syncTopicConfigsIntervalMs,
          },
          this.emit,
        );
      },
      (s) => s.stop(),
    );
  }

  topicAcls(): Promise<TopicAclSync> {
    return this.part(
      'topic-acls',
      async () => {
        const c = await this.clients();
        return new TopicAclSync(
          this.engineFlow,
          c.sourceAdmin,
          c.targetAdmin,
          { intervalMs: this.settings.syncTopicAclsIntervalMs },
          this.emit,
        );
      },
      (s) => s.stop(),
    );
  }

  async close(): Promise<void> {
    const parts = [...this.parts.values()];
    this.parts.clear();
    await Promise.allSettled(parts);
    for (const c of this.closers.splice(0)) await c().catch(() => undefined);
    this.clientsP = undefined;
  }
}

export interface FlowSessionsOptions {
  db: Db;
  keyring: SecretKey[];
  onSyncEvent: (flow: ResolvedFlow, e: SyncEvent) => void;
  /** A session no job used for this long is closed. */
  idleMs?: number;
}

/** The sessions of the flows whose control jobs this worker ran recently, one per flow (newest generation). */
export class FlowSessions {
  readonly opts: FlowSessionsOptions;
  private sessions = new Map<string, Promise<FlowControlSession>>();

  constructor(opts: FlowSessionsOptions) {
    this.opts = opts;
  }

  /**
   * The session for a job of `generation`, or undefined when the job is stale (its flow is at a newer
   * generation, disabled or gone): stale control jobs do nothing.
   */
  async get(flowId: string, generation: number): Promise<FlowControlSession | undefined> {
    const current = await this.sessions.get(flowId)?.catch(() => undefined);
    if (current && current.generation === generation) {
      current.lastUsedAt = Date.now();
      return current;
    }
    if (current && current.generation > generation) return undefined;
    const flow = await loadFlow(this.opts.db, flowId, this.opts.keyring);
    if (!flow.enabled || flow.generation !== generation) return undefined;
    // Re-check after the await: a concurrent job may have built it meanwhile.
    const again = await this.sessions.get(flowId)?.catch(() => undefined);
    if (again && again.generation >= generation) return again.generation === generation ? again : undefined;
    const session = new FlowControlSession(flow, this.opts.onSyncEvent);
    this.sessions.set(flowId, Promise.resolve(session));
    await again?.close();
    return session;
  }

  /** Closes sessions no job used within idleMs. */
  async sweep(now = Date.now()): Promise<void> {
    const idleMs = this.opts.idleMs ?? 5 * 60_000;
    for (const [id, p] of this.sessions) {
      const s = await p.catch(() => undefined);
      if (!s || now - s.lastUsedAt > idleMs) {
        this.sessions.delete(id);
        await s?.close();
      }
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const p of all) await (await p.catch(() => undefined))?.close();
  }
}

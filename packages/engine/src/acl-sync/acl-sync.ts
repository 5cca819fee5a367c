import kafkajs, { type Admin } from 'kafkajs';
import type { SyncEventListener } from '../checkpoints/events.ts';
import type { FlowConfig } from '../config/flow-config.ts';
import { describeSyncError, replicatedTopicPairs } from '../config-sync/replicated-topics.ts';
import { FerryError, type FerryErrorCode } from '../errors.ts';
import { aclsToSync, type TopicAcl } from './acl-rules.ts';

const { AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;

const OPS = Object.fromEntries(
  Object.entries(AclOperationTypes).filter(([, v]) => typeof v === 'number'),
) as Record<string, number>;
const OP_NAMES = Object.fromEntries(Object.entries(OPS).map(([k, v]) => [v, k])) as Record<number, string>;

export interface AclSyncResult {
  ok: boolean;
  /** Bindings created or confirmed on the target. */
  bindings: TopicAcl[];
  errors: Array<{ topic?: string; error: FerryError }>;
}

/** MM2's topic-ACL sync on an interval (see `aclsToSync` for the rules). ACLs are only added, never removed. */
export class TopicAclSync {
  private readonly flow: FlowConfig;
  private readonly source: Admin;
  private readonly target: Admin;
  private readonly emit: SyncEventListener;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    flow: FlowConfig,
    source: Admin,
    target: Admin,
    opts: { intervalMs: number },
    emit: SyncEventListener,
  ) {
    this.flow = flow;
    this.source = source;
    this.target = target;
    this.emit = emit;
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

  async syncOnce(): Promise<AclSyncResult> {
    const f = this.flow;
    const fail = (code: FerryErrorCode, message: string, cause: unknown, topic?: string): AclSyncResult => {
      const error = new FerryError(code, message, {
        retriable: true,
        context: { cluster: f.source.alias, ...(topic ? { topic } : {}) },
        cause,
      });
      this.emit({ type: 'sync-error', flow: f.id, what: 'topic-acls', ...(topic ? { topic } : {}), error });
      return { ok: false, bindings: [], errors: [{ ...(topic ? { topic } : {}), error }] };
    };
    let pairs: Array<{ topic: string; remoteTopic: string }>;
    let source: TopicAcl[];
    try {
      pairs = await replicatedTopicPairs(f, this.source, this.target);
      const res = await this.source.describeAcls({
        resourceType: AclResourceTypes.TOPIC,
        resourcePatternType: ResourcePatternTypes.LITERAL,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      source = res.resources.flatMap((r) =>
        r.acls.map((a) => ({
          topic: r.resourceName,
          patternType:
            r.resourcePatternType === ResourcePatternTypes.LITERAL
              ? ('LITERAL' as const)
              : r.resourcePatternType === ResourcePatternTypes.PREFIXED
                ? ('PREFIXED' as const)
                : ('OTHER' as const),
          principal: a.principal,
          host: a.host,
          operation: OP_NAMES[a.operation] ?? 'UNKNOWN',
          permission:
            a.permissionType === AclPermissionTypes.ALLOW
              ? ('ALLOW' as const)
              : a.permissionType === AclPermissionTypes.DENY
                ? ('DENY' as const)
                : ('OTHER' as const),
        })),
      );
    } catch (e) {
      const d = describeSyncError(e, 'describe topic ACLs', f.source.alias, 'DESCRIBE on the cluster');
      return fail(d.code, d.message, e);
    }
    const remoteOf = new Map(pairs.map((p) => [p.topic, p.remoteTopic]));
    const want = aclsToSync(source, (t) => remoteOf.get(t));
    const result: AclSyncResult = { ok: true, bindings: [], errors: [] };
    const byTopic = new Map<string, TopicAcl[]>();
    for (const b of want) byTopic.set(b.topic, [...(byTopic.get(b.topic) ?? []), b]);
    for (const [remoteTopic, bindings] of byTopic) {
      try {
        await this.target.createAcls({
          acl: bindings.map((b) => ({
            resourceType: AclResourceTypes.TOPIC,
            resourceName: b.topic,
            resourcePatternType: ResourcePatternTypes.LITERAL,
            principal: b.principal,
            host: b.host,
            operation: OPS[b.operation]!,
            permissionType: b.permission === 'ALLOW' ? AclPermissionTypes.ALLOW : AclPermissionTypes.DENY,
          })),
        });
        result.bindings.push(...bindings);
      } catch (e) {
        const d = describeSyncError(
          e,
          `create ACLs on topic ${remoteTopic}`,
          f.target.alias,
          'ALTER on the cluster',
        );
        const error = new FerryError(d.code, d.message, {
          retriable: true,
          context: { cluster: f.target.alias, topic: remoteTopic },
          cause: e,
        });
        result.ok = false;
        result.errors.push({ topic: remoteTopic, error });
        this.emit({ type: 'sync-error', flow: f.id, what: 'topic-acls', topic: remoteTopic, error });
      }
    }
    if (result.bindings.length > 0)
      this.emit({ type: 'acls-synced', flow: f.id, bindings: result.bindings.length });
    return result;
  }
}

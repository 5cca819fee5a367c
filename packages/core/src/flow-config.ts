import { z } from 'zod';
import { FLOW_KEYS, type FlowKey, SYNC_KEYS, type SyncKey } from './mm2-keys.ts';
import { patternError } from './patterns.ts';
import { splitList } from './topic-filter.ts';

const pattern = z.string().superRefine((p, ctx) => {
  const err = patternError(p);
  if (err) ctx.addIssue({ code: 'custom', message: err });
});
const patterns = z.array(pattern);
const list = (k: FlowKey | SyncKey) =>
  splitList(k in FLOW_KEYS ? FLOW_KEYS[k as FlowKey] : SYNC_KEYS[k as SyncKey]);
const bool = (k: SyncKey) => SYNC_KEYS[k] === 'true';
const num = (v: string) => Number(v);
const interval = (k: SyncKey) => z.number().int().min(1).max(86_400).default(num(SYNC_KEYS[k]));

/**
 * A flow's options: what the worker reads from `flows.config`. Every default comes from the MM2 key table
 * (`mm2-keys.ts`), the one `ferry run` uses.
 */
export const flowConfigSchema = z
  .object({
    topics: patterns.min(1, 'at least one topic pattern').default(list('topics')),
    topicsExclude: patterns.default(list('topics.exclude')),
    groups: patterns.default(list('groups')),
    groupsExclude: patterns.default(list('groups.exclude')),
    replicationPolicy: z.enum(['default', 'identity']).default('default'),
    separator: z
      .string()
      .min(1)
      .max(8)
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-" only')
      .default(FLOW_KEYS['replication.policy.separator']),
    checkpoints: z.boolean().default(bool('emit.checkpoints.enabled')),
    checkpointsIntervalSeconds: interval('emit.checkpoints.interval.seconds'),
    syncGroupOffsets: z.boolean().default(bool('sync.group.offsets.enabled')),
    syncGroupOffsetsIntervalSeconds: interval('sync.group.offsets.interval.seconds'),
    heartbeats: z.boolean().default(bool('emit.heartbeats.enabled')),
    heartbeatsIntervalSeconds: interval('emit.heartbeats.interval.seconds'),
    syncTopicConfigs: z.boolean().default(bool('sync.topic.configs.enabled')),
    syncTopicConfigsIntervalSeconds: interval('sync.topic.configs.interval.seconds'),
    syncTopicAcls: z.boolean().default(bool('sync.topic.acls.enabled')),
    syncTopicAclsIntervalSeconds: interval('sync.topic.acls.interval.seconds'),
    tasksMax: z.number().int().min(1).max(1024).default(num(FLOW_KEYS['tasks.max'])),
    /** Replication factor of created remote topics; -1 means the target broker's default. */
    replicationFactor: z
      .number()
      .int()
      .min(-1)
      .max(32)
      .refine((n) => n !== 0, 'must be -1 (broker default) or 1..32')
      .default(num(FLOW_KEYS['replication.factor'])),
    startPosition: z.enum(['earliest', 'latest']).default(FLOW_KEYS['start.position']),
    exactlyOnce: z.boolean().default(FLOW_KEYS['exactly.once'] === 'true'),
    /** A source gap (records deleted before they were replicated): resume at the log start, or halt the partition. */
    gapPolicy: z
      .enum(['continue', 'halt'])
      .default(FLOW_KEYS['gap.policy'])
      .describe(
        'When the source deleted records not yet replicated: continue at the log start (the gap is reported) or halt the partition',
      ),
  })
  .meta({ id: 'FlowConfig' });

export type FlowConfig = z.infer<typeof flowConfigSchema>;
export type FlowConfigInput = z.input<typeof flowConfigSchema>;

export const defaultFlowConfig = (): FlowConfig => flowConfigSchema.parse({});

/** The MM2 key behind each stored flow option (export writes these, `ferry run` reads them). */
export const FLOW_OPTION_KEYS = {
  topics: 'topics',
  topicsExclude: 'topics.exclude',
  groups: 'groups',
  groupsExclude: 'groups.exclude',
  replicationPolicy: 'replication.policy.class',
  separator: 'replication.policy.separator',
  checkpoints: 'emit.checkpoints.enabled',
  checkpointsIntervalSeconds: 'emit.checkpoints.interval.seconds',
  syncGroupOffsets: 'sync.group.offsets.enabled',
  syncGroupOffsetsIntervalSeconds: 'sync.group.offsets.interval.seconds',
  heartbeats: 'emit.heartbeats.enabled',
  heartbeatsIntervalSeconds: 'emit.heartbeats.interval.seconds',
  syncTopicConfigs: 'sync.topic.configs.enabled',
  syncTopicConfigsIntervalSeconds: 'sync.topic.configs.interval.seconds',
  syncTopicAcls: 'sync.topic.acls.enabled',
  syncTopicAclsIntervalSeconds: 'sync.topic.acls.interval.seconds',
  tasksMax: 'tasks.max',
  replicationFactor: 'replication.factor',
  startPosition: 'start.position',
  exactlyOnce: 'exactly.once',
  gapPolicy: 'gap.policy',
} as const satisfies Record<keyof FlowConfig, FlowKey | SyncKey>;

const flowName = z
  .string()
  .trim()
  .min(1, 'required')
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._>-]*$/, 'letters, digits, spaces, ".", "_", "-" or ">" only');

export const flowCreateSchema = z
  .object({
    name: flowName,
    sourceClusterId: z.uuid('choose a source cluster'),
    targetClusterId: z.uuid('choose a target cluster'),
    enabled: z.boolean().default(false),
    config: flowConfigSchema.default(() => defaultFlowConfig()),
  })
  .meta({ id: 'FlowCreate' });
export type FlowCreate = z.infer<typeof flowCreateSchema>;

export const flowUpdateSchema = z
  .object({
    name: flowName.optional(),
    sourceClusterId: z.uuid().optional(),
    targetClusterId: z.uuid().optional(),
    config: flowConfigSchema.optional(),
  })
  .meta({ id: 'FlowUpdate' });
export type FlowUpdate = z.infer<typeof flowUpdateSchema>;

export const flowToggleSchema = z.object({ enabled: z.boolean() }).meta({ id: 'FlowToggle' });

export const flowSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    sourceClusterId: z.uuid(),
    targetClusterId: z.uuid(),
    sourceClusterName: z.string(),
    targetClusterName: z.string(),
    enabled: z.boolean(),
    config: flowConfigSchema,
    generation: z.number().int(),
    status: z.string().nullable().describe('Worker-reported state, null until a worker reports'),
    statusText: z.string().describe('The status in words'),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Flow' });
export type FlowView = z.infer<typeof flowSchema>;

/** Worker-written status in words. */
export function flowStatusText(enabled: boolean, status: string | null, lastError: string | null): string {
  if (!status)
    return enabled ? 'Enabled — no worker has reported yet' : 'Disabled — no worker has reported yet';
  const words: Record<string, string> = {
    disabled: 'Disabled — workers stopped it',
    running: 'Running: replicating',
    starting: 'Starting',
    paused: 'Paused',
    stopped: 'Stopped',
    failed: 'Failed',
    degraded: 'Running with problems',
  };
  const base = words[status] ?? status;
  return lastError ? `${base} — ${lastError}` : base;
}

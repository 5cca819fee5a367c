import { z } from 'zod';
import { patternError } from './patterns.ts';

const pattern = z.string().superRefine((p, ctx) => {
  const err = patternError(p);
  if (err) ctx.addIssue({ code: 'custom', message: err });
});
const patterns = z.array(pattern);
const interval = (def: number) => z.number().int().min(1).max(86_400).default(def);

/** A flow's options: what the worker reads from `flows.config`. Every field has the MM2 default. */
export const flowConfigSchema = z
  .object({
    topics: patterns.min(1, 'at least one topic pattern').default(['.*']),
    topicsExclude: patterns.default(['.*[\\-.]internal', '.*\\.replica', '__.*']),
    groups: patterns.default(['.*']),
    groupsExclude: patterns.default(['console-consumer-.*', 'connect-.*', '__.*']),
    replicationPolicy: z.enum(['default', 'identity']).default('default'),
    separator: z
      .string()
      .min(1)
      .max(8)
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-" only')
      .default('.'),
    checkpoints: z.boolean().default(true),
    checkpointsIntervalSeconds: interval(60),
    syncGroupOffsets: z.boolean().default(false),
    syncGroupOffsetsIntervalSeconds: interval(60),
    heartbeats: z.boolean().default(true),
    heartbeatsIntervalSeconds: interval(1),
    syncTopicConfigs: z.boolean().default(true),
    syncTopicConfigsIntervalSeconds: interval(600),
    syncTopicAcls: z.boolean().default(false),
    syncTopicAclsIntervalSeconds: interval(600),
    tasksMax: z.number().int().min(1).max(1024).default(1),
    /** Replication factor of created remote topics; -1 means the target broker's default. */
    replicationFactor: z
      .number()
      .int()
      .min(-1)
      .max(32)
      .refine((n) => n !== 0, 'must be -1 (broker default) or 1..32')
      .default(-1),
    startPosition: z.enum(['earliest', 'latest']).default('earliest'),
    exactlyOnce: z.boolean().default(true),
  })
  .meta({ id: 'FlowConfig' });

export type FlowConfig = z.infer<typeof flowConfigSchema>;
export type FlowConfigInput = z.input<typeof flowConfigSchema>;

export const defaultFlowConfig = (): FlowConfig => flowConfigSchema.parse({});

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

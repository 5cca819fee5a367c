import {
  CHECKPOINTS_QUEUE,
  CONFIG_SYNC_QUEUE,
  controlSchedulerId,
  DISCOVERY_QUEUE,
  flowConfigSchema,
  HEARTBEATS_QUEUE,
  type QueueName,
} from '@ferry/core';
import { discoveryFingerprint, flowFingerprint } from './plan.ts';

/** One repeating control job of a flow: a BullMQ job scheduler on a control queue. */
export interface ControlSchedule {
  /** Scheduler id, `flow.<id>.<kind>`. */
  id: string;
  kind: ControlKind;
  queue: QueueName;
  everyMs: number;
  data: Record<string, unknown>;
}

export const CONTROL_KINDS = [
  'discovery',
  'checkpoints',
  'group-offsets',
  'heartbeats',
  'topic-configs',
  'topic-acls',
] as const;
export type ControlKind = (typeof CONTROL_KINDS)[number];

/**
 * The control work an enabled flow's generation needs, from its options (MM2's intervals): discovery every
 * `discoveryIntervalMs`, checkpoints, group offset sync, heartbeats, topic-config and ACL sync when enabled.
 * Pure: the reconciler upserts these schedulers and removes the other kinds.
 */
export function controlSchedules(
  flowId: string,
  generation: number,
  rawConfig: Record<string, unknown>,
  discoveryIntervalMs: number,
): ControlSchedule[] {
  const parsed = flowConfigSchema.safeParse(rawConfig);
  const out: ControlSchedule[] = [
    {
      id: controlSchedulerId(flowId, 'discovery'),
      kind: 'discovery',
      queue: DISCOVERY_QUEUE,
      everyMs: discoveryIntervalMs,
      data: { flowId, discoveredFor: discoveryFingerprint(rawConfig) },
    },
  ];
  if (!parsed.success) return out; // the task reports the invalid option; discovery too
  const c = parsed.data;
  const add = (kind: ControlKind, queue: QueueName, seconds: number, extra: Record<string, unknown>) =>
    out.push({
      id: controlSchedulerId(flowId, kind),
      kind,
      queue,
      everyMs: seconds * 1000,
      data: { flowId, generation, ...extra },
    });
  if (c.checkpoints) add('checkpoints', CHECKPOINTS_QUEUE, c.checkpointsIntervalSeconds, { kind: 'emit' });
  if (c.syncGroupOffsets)
    add('group-offsets', CHECKPOINTS_QUEUE, c.syncGroupOffsetsIntervalSeconds, { kind: 'sync-groups' });
  if (c.heartbeats) add('heartbeats', HEARTBEATS_QUEUE, c.heartbeatsIntervalSeconds, {});
  if (c.syncTopicConfigs)
    add('topic-configs', CONFIG_SYNC_QUEUE, c.syncTopicConfigsIntervalSeconds, { what: 'topic-configs' });
  if (c.syncTopicAcls)
    add('topic-acls', CONFIG_SYNC_QUEUE, c.syncTopicAclsIntervalSeconds, { what: 'topic-acls' });
  return out;
}

/** Changes when any schedule does: the reconciler re-upserts only then (or when Redis lost the marker). */
export function schedulesFingerprint(schedules: ControlSchedule[]): string {
  return flowFingerprint({ s: schedules.map(({ id, everyMs, data }) => ({ id, everyMs, data })) });
}

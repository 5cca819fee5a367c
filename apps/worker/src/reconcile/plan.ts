import { createHash } from 'node:crypto';
import { flowConfigSchema, type TaskJobData, type TopicPartitionCounts } from '@ferry/core';

/** What discovery last found for a flow (flow_topology). */
export interface FlowTopology {
  /** discoveryFingerprint() of the options discovery ran with. */
  discoveredFor: string;
  partitions: TopicPartitionCounts;
}

export interface FlowRow {
  id: string;
  enabled: boolean;
  generation: number;
  config: Record<string, unknown>;
  topology?: FlowTopology | null;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** What a flow's tasks depend on: its options. Key order does not matter. */
export function flowFingerprint(config: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(config)))
    .digest('hex')
    .slice(0, 16);
}

/** The options topic discovery depends on: which topics, and what they are called on the target. */
const DISCOVERY_KEYS = ['topics', 'topicsExclude', 'replicationPolicy', 'separator'] as const;

/** Of the options with MM2 defaults filled in, so a stored `{}` and the parsed defaults agree. */
export function discoveryFingerprint(config: Record<string, unknown>): string {
  const parsed = flowConfigSchema.safeParse(config);
  const c: Record<string, unknown> = parsed.success ? parsed.data : config;
  return flowFingerprint(Object.fromEntries(DISCOVERY_KEYS.map((k) => [k, c[k] ?? null])));
}

export function tasksMaxOf(config: Record<string, unknown>): number {
  const n = Number(config.tasksMax ?? 1);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

export interface FlowPlan {
  flowId: string;
  /** Bump the generation (and fence the old one) before starting tasks: the options or partitions changed. */
  bump: boolean;
  /** Desired generation after the bump, or null when the flow is disabled. */
  generation: number | null;
  /** Discovery has not run for the current options: ask for it; the running generation (if any) stays. */
  discover: boolean;
  /** discoveryFingerprint of the current options. */
  discoveredFor: string;
  /** Options + pinned partitions the generation runs with (stored once its tasks are enqueued). */
  fingerprint: string;
  tasks: TaskJobData[];
}

/**
 * Pure reconcile decision for one flow, given the fingerprint its running generation was started with
 * (undefined when never started). A generation runs the partitions discovery found for the current options,
 * split into min(tasksMax, partitions) tasks (at least one). Disabling stops the tasks without a bump;
 * a change of options or of the discovered partitions bumps. The generation only grows.
 */
export function planFlow(flow: FlowRow, startedFingerprint: string | undefined): FlowPlan {
  const discoveredFor = discoveryFingerprint(flow.config);
  const base = { flowId: flow.id, discoveredFor, discover: false, bump: false };
  if (!flow.enabled)
    return { ...base, generation: null, fingerprint: flowFingerprint(flow.config), tasks: [] };
  const topology = flow.topology;
  if (!topology || topology.discoveredFor !== discoveredFor)
    return {
      ...base,
      discover: true,
      generation: startedFingerprint === undefined ? null : flow.generation,
      fingerprint: startedFingerprint ?? '',
      tasks: [],
    };
  const fingerprint = flowFingerprint({ config: flow.config, partitions: topology.partitions });
  const bump = startedFingerprint !== undefined && startedFingerprint !== fingerprint;
  const generation = bump ? flow.generation + 1 : flow.generation;
  const tasksMax = tasksMaxOf(flow.config);
  const total = Object.values(topology.partitions).reduce((a, b) => a + b, 0);
  const count = Math.max(1, Math.min(tasksMax, total));
  const tasks = Array.from({ length: count }, (_, taskIndex) => ({
    flowId: flow.id,
    generation,
    taskIndex,
    tasksMax,
    taskCount: count,
    topics: topology.partitions,
  }));
  return { ...base, bump, generation, fingerprint, tasks };
}

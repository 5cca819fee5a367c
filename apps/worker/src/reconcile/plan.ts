import { createHash } from 'node:crypto';
import type { TaskJobData } from '@ferry/core';

export interface FlowRow {
  id: string;
  enabled: boolean;
  generation: number;
  config: Record<string, unknown>;
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

export function tasksMaxOf(config: Record<string, unknown>): number {
  const n = Number(config.tasksMax ?? 1);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

export interface FlowPlan {
  flowId: string;
  /** Bump the generation (and fence the old one) before starting tasks: the options changed. */
  bump: boolean;
  /** Desired generation after the bump, or null when the flow is disabled. */
  generation: number | null;
  fingerprint: string;
  tasks: TaskJobData[];
}

/**
 * Pure reconcile decision for one flow, given the fingerprint its running generation was started with
 * (undefined when never started). Disabling stops the tasks without a bump; enabling again after an
 * edit bumps. The generation only grows.
 */
export function planFlow(flow: FlowRow, startedFingerprint: string | undefined): FlowPlan {
  const fingerprint = flowFingerprint(flow.config);
  if (!flow.enabled) return { flowId: flow.id, bump: false, generation: null, fingerprint, tasks: [] };
  const bump = startedFingerprint !== undefined && startedFingerprint !== fingerprint;
  const generation = bump ? flow.generation + 1 : flow.generation;
  const tasksMax = tasksMaxOf(flow.config);
  const tasks = Array.from({ length: tasksMax }, (_, taskIndex) => ({
    flowId: flow.id,
    generation,
    taskIndex,
    tasksMax,
  }));
  return { flowId: flow.id, bump, generation, fingerprint, tasks };
}

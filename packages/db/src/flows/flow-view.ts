import { type FlowConfig, type FlowView, flowConfigSchema, flowStatusText } from '@ferry/core';
import type { flows } from '../schema/replication.ts';

export type FlowRow = typeof flows.$inferSelect;

export function flowView(row: FlowRow, names: Map<string, string>): FlowView {
  // Stored configs were validated on write; parse again to fill defaults added since.
  const parsed = flowConfigSchema.safeParse(row.config);
  return {
    id: row.id,
    name: row.name,
    sourceClusterId: row.sourceClusterId,
    targetClusterId: row.targetClusterId,
    sourceClusterName: names.get(row.sourceClusterId) ?? '?',
    targetClusterName: names.get(row.targetClusterId) ?? '?',
    enabled: row.enabled,
    config: parsed.success ? parsed.data : (row.config as FlowConfig),
    generation: row.generation,
    status: row.status,
    statusText: flowStatusText(row.enabled, row.status, row.lastError),
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

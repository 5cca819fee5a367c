/** One partition's replication metrics over a window, as the worker receives them from the engine. */
export interface PartitionMetrics {
  flowId: string;
  source: string;
  target: string;
  topic: string;
  partition: number;
  /** Records and bytes replicated during the window. */
  records: number;
  bytes: number;
  windowMs: number;
  recordAgeMs?: { min: number; max: number; avg: number };
  replicationLatencyMs?: { min: number; max: number; avg: number };
  sourceEndOffset?: number;
  /** Next source offset to replicate (the committed position). */
  position?: number;
  /** Source end offset − position. */
  lagRecords?: number;
  /** Age of the oldest record not yet replicated (0 when caught up). */
  lagMs?: number;
}

export interface CheckpointMetrics {
  flowId: string;
  source: string;
  target: string;
  group: string;
  topic: string;
  partition: number;
  checkpointLatencyMs: { min: number; max: number; avg: number };
}

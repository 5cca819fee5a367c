// TEMPORARY until packages/engine lands: replaced by the engine adapter.
import type { SecretKey } from '@ferry/core/secret-box';
import type { Db } from '@ferry/db';
import type pino from 'pino';
import type { TaskRunner } from './dispatch/task-runner.ts';
import type { CheckpointMetrics, PartitionMetrics } from './metrics/partition-metrics.ts';
import type { Fencer } from './reconcile/reconciler.ts';
import type { StatusWriter } from './status/status-writer.ts';

export interface EngineRunnerDeps {
  db: Db;
  keyring: SecretKey[];
  log: pino.Logger;
  status: StatusWriter;
  onPartitionMetrics: (m: PartitionMetrics) => void;
  onCheckpointMetrics: (m: CheckpointMetrics) => void;
}

export function createEngineRunner(_deps: EngineRunnerDeps): TaskRunner {
  return {
    async run() {
      throw new Error('engine not integrated yet');
    },
  };
}

export function engineFencer(_db: Db, _keyring: SecretKey[]): Fencer {
  return async () => {};
}

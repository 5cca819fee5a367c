import type { FerryError } from '../errors.ts';
import type { WindowStats } from '../events.ts';
import type { UntranslatableCode } from '../offset-syncs/translate.ts';

/** Events of checkpoints, group offset sync, heartbeats, config and ACL sync (emitted, never printed). */
export type SyncEvent =
  | { type: 'checkpoints-emitted'; flow: string; group: string; partitions: number }
  | {
      type: 'checkpoint-untranslatable';
      flow: string;
      group: string;
      topic: string;
      partition: number;
      upstreamOffset: string;
      code: UntranslatableCode;
      reason: string;
    }
  | {
      type: 'checkpoint-metrics';
      flow: string;
      group: string;
      topic: string;
      partition: number;
      /** From the moment a new committed offset was seen on the source to its checkpoint acknowledged on the target. */
      checkpointLatencyMs: WindowStats;
    }
  | { type: 'group-offsets-synced'; flow: string; group: string; partitions: number }
  | { type: 'group-offset-sync-skipped'; flow: string; group: string; reason: string }
  | { type: 'heartbeat-emitted'; flow: string; timestamp: number }
  | {
      type: 'topic-config-synced';
      flow: string;
      topic: string;
      remoteTopic: string;
      configs: Array<{ name: string; value: string }>;
    }
  | { type: 'acls-synced'; flow: string; bindings: number }
  | {
      type: 'sync-error';
      flow: string;
      what: 'offset-syncs' | 'checkpoints' | 'group-offsets' | 'heartbeats' | 'topic-configs' | 'topic-acls';
      topic?: string;
      group?: string;
      error: FerryError;
    };

export type SyncEventListener = (e: SyncEvent) => void;

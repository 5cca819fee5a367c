import { ConfigError, SYNC_EQUIVALENTS, SYNC_KEYS, splitList } from '@ferry/core';
import { parseBool } from '../config/values.ts';

/** The MM2 keys of checkpoints, group offset sync, heartbeats, config and ACL sync (the key table of @ferry/core). */
export { SYNC_KEYS } from '@ferry/core';

export interface SyncSettings {
  groups: string[];
  groupsExclude: string[];
  refreshGroupsEnabled: boolean;
  refreshGroupsIntervalMs: number;
  emitCheckpointsEnabled: boolean;
  emitCheckpointsIntervalMs: number;
  checkpointsReplicationFactor: number;
  syncGroupOffsetsEnabled: boolean;
  syncGroupOffsetsIntervalMs: number;
  emitHeartbeatsEnabled: boolean;
  emitHeartbeatsIntervalMs: number;
  heartbeatsReplicationFactor: number;
  syncTopicConfigsEnabled: boolean;
  syncTopicConfigsIntervalMs: number;
  configPropertiesExclude: string[];
  syncTopicAclsEnabled: boolean;
  syncTopicAclsIntervalMs: number;
  /** 'target' (Ferry's exact syncs, default) or 'source' (MM2's location, for compatibility). */
  offsetSyncsTopicLocation: 'source' | 'target';
  offsetSyncsReplicationFactor: number;
  emitOffsetSyncsEnabled: boolean;
  /** Settings accepted but not honoured as MM2 would, in words (to print at start-up). */
  notices: string[];
}

function seconds(key: string, v: string): number {
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new ConfigError(key, v, 'must be a positive number of seconds');
  return Math.round(n * 1000);
}

function rf(key: string, v: string): number {
  const n = Number(v.trim());
  if (!Number.isInteger(n) || (n < 1 && n !== -1) || n > 32767)
    throw new ConfigError(key, v, 'must be -1 (broker default) or a positive integer');
  return n;
}

/** Resolves the keys for flow `source->target` with MM2's precedence: `A->B.<key>`, then `<key>`, then the default. */
export function resolveSyncSettings(
  props: Map<string, string>,
  source: string,
  target: string,
): SyncSettings {
  const get = (k: keyof typeof SYNC_KEYS): [string, string] => {
    const fk = `${source}->${target}.${k}`;
    if (props.has(fk)) return [fk, props.get(fk)!];
    if (props.has(k)) return [k, props.get(k)!];
    for (const alt of (SYNC_EQUIVALENTS as Record<string, readonly string[]>)[k] ?? []) {
      if (props.has(`${source}->${target}.${alt}`))
        return [`${source}->${target}.${alt}`, props.get(`${source}->${target}.${alt}`)!];
      if (props.has(alt)) return [alt, props.get(alt)!];
    }
    return [k, SYNC_KEYS[k]];
  };
  const b = (k: keyof typeof SYNC_KEYS) => parseBool(...get(k));
  const s = (k: keyof typeof SYNC_KEYS) => seconds(...get(k));
  const r = (k: keyof typeof SYNC_KEYS) => rf(...get(k));
  const [lk, lv] = get('offset-syncs.topic.location');
  const loc = lv.trim().toLowerCase();
  if (loc !== 'source' && loc !== 'target') throw new ConfigError(lk, lv, 'must be source or target');
  return {
    groups: splitList(get('groups')[1]),
    groupsExclude: splitList(get('groups.exclude')[1]),
    refreshGroupsEnabled: b('refresh.groups.enabled'),
    refreshGroupsIntervalMs: s('refresh.groups.interval.seconds'),
    emitCheckpointsEnabled: b('emit.checkpoints.enabled'),
    emitCheckpointsIntervalMs: s('emit.checkpoints.interval.seconds'),
    checkpointsReplicationFactor: r('checkpoints.topic.replication.factor'),
    syncGroupOffsetsEnabled: b('sync.group.offsets.enabled'),
    syncGroupOffsetsIntervalMs: s('sync.group.offsets.interval.seconds'),
    emitHeartbeatsEnabled: b('emit.heartbeats.enabled'),
    emitHeartbeatsIntervalMs: s('emit.heartbeats.interval.seconds'),
    heartbeatsReplicationFactor: r('heartbeats.topic.replication.factor'),
    syncTopicConfigsEnabled: b('sync.topic.configs.enabled'),
    syncTopicConfigsIntervalMs: s('sync.topic.configs.interval.seconds'),
    configPropertiesExclude: splitList(get('config.properties.exclude')[1]),
    syncTopicAclsEnabled: b('sync.topic.acls.enabled'),
    syncTopicAclsIntervalMs: s('sync.topic.acls.interval.seconds'),
    offsetSyncsTopicLocation: loc,
    offsetSyncsReplicationFactor: r('offset-syncs.topic.replication.factor'),
    emitOffsetSyncsEnabled: b('emit.offset-syncs.enabled'),
    notices:
      loc === 'source'
        ? [
            `${lk}=source: Ferry keeps its exact offset syncs on the target (${target}), inside the data's transactions, and also mirrors them as MM2 OffsetSync records into mm2-offset-syncs.${target}.internal on ${source}`,
          ]
        : [],
  };
}

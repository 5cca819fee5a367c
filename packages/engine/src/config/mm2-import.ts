import {
  ConfigError,
  FLOW_KEYS,
  FLOW_OPTION_KEYS,
  flowConfigSchema,
  MM2_EQUIVALENTS,
  parseProperties,
  type SaslMechanism,
  type SecurityProtocol,
  type FlowConfig as StoredFlowConfig,
  SYNC_EQUIVALENTS,
  SYNC_KEYS,
  splitList,
} from '@ferry/core';
import { resolveSyncSettings, type SyncSettings } from '../checkpoints/settings.ts';
import type { FlowConfig } from './flow-config.ts';
import {
  classifyKeys,
  declaredFlows,
  flowEnabled,
  resolveEndpoint,
  resolveFlowOptions,
  resolveSasl,
} from './mm2-properties.ts';

/**
 * The control plane's `mm2.properties` import: the same resolution `ferry run` uses (`mm2-properties.ts`),
 * mapped onto stored clusters and flows. What cannot be mapped is reported with a reason, never dropped.
 */
export interface Mm2Cluster {
  name: string;
  bootstrapServers: string;
  securityProtocol: SecurityProtocol;
  /** In the shape of the API's cluster input (`SaslInput`): username/password, or OAUTHBEARER's client. */
  sasl?:
    | { mechanism: Exclude<SaslMechanism, 'OAUTHBEARER'>; username: string; password: string }
    | {
        mechanism: 'OAUTHBEARER';
        tokenEndpointUrl: string;
        clientId: string;
        clientSecret: string;
        scope?: string;
      };
}
export interface Mm2Flow {
  name: string;
  source: string;
  target: string;
  enabled: boolean;
  config: StoredFlowConfig;
}
export interface Mm2Unmapped {
  key: string;
  reason: string;
}
export interface Mm2Import {
  clusters: Mm2Cluster[];
  flows: Mm2Flow[];
  unmapped: Mm2Unmapped[];
}

/** A resolved flow's options as the control plane stores them (the inverse of the worker's `toEngineFlow`). */
export function toStoredFlowConfig(
  f: Omit<FlowConfig, 'source' | 'target'>,
  s: SyncSettings,
): StoredFlowConfig {
  const sec = (ms: number) => Math.round(ms / 1000);
  return {
    topics: f.topics,
    topicsExclude: f.topicsExclude,
    groups: s.groups,
    groupsExclude: s.groupsExclude,
    replicationPolicy: f.policy.kind,
    separator: f.policy.separator,
    checkpoints: s.emitCheckpointsEnabled,
    checkpointsIntervalSeconds: sec(s.emitCheckpointsIntervalMs),
    syncGroupOffsets: s.syncGroupOffsetsEnabled,
    syncGroupOffsetsIntervalSeconds: sec(s.syncGroupOffsetsIntervalMs),
    heartbeats: s.emitHeartbeatsEnabled,
    heartbeatsIntervalSeconds: sec(s.emitHeartbeatsIntervalMs),
    syncTopicConfigs: s.syncTopicConfigsEnabled,
    syncTopicConfigsIntervalSeconds: sec(s.syncTopicConfigsIntervalMs),
    syncTopicAcls: s.syncTopicAclsEnabled,
    syncTopicAclsIntervalSeconds: sec(s.syncTopicAclsIntervalMs),
    tasksMax: f.tasksMax,
    replicationFactor: f.replicationFactor,
    startPosition: f.startPosition,
    exactlyOnce: f.exactlyOnce,
    gapPolicy: f.gapPolicy ?? 'continue',
  };
}

/** Keys a stored flow carries (their MM2 forms included); any other flow key the file sets is reported. */
const STORED_KEYS = new Set<string>([
  'enabled',
  ...Object.values(FLOW_OPTION_KEYS),
  ...Object.values(MM2_EQUIVALENTS).flat(),
  ...Object.values(SYNC_EQUIVALENTS).flat(),
]);

const unmappedFrom = (e: ConfigError): Mm2Unmapped => ({
  key: String(e.context.key ?? ''),
  reason: e.message.slice(e.message.indexOf(': ') + 2),
});

function tryConfig<T>(unmapped: Mm2Unmapped[], f: () => T, hint = ''): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const u = unmappedFrom(e);
    unmapped.push(hint ? { ...u, reason: `${u.reason}; ${hint}` } : u);
    return undefined;
  }
}

export function importMm2(text: string): Mm2Import {
  const props = parseProperties(text);
  const unmapped: Mm2Unmapped[] = [];
  const aliases = splitList(props.get('clusters'));
  if (aliases.length === 0)
    unmapped.push({ key: 'clusters', reason: 'missing: no cluster aliases declared' });
  const clusters: Mm2Cluster[] = [];
  for (const a of aliases) {
    const ep = tryConfig(unmapped, () => resolveEndpoint(props, a));
    const protocol = ep?.securityProtocol ?? 'PLAINTEXT';
    const cluster: Mm2Cluster = {
      name: a,
      bootstrapServers: ep ? ep.bootstrapServers.join(',') : '',
      securityProtocol: protocol,
    };
    const sasl = tryConfig(
      unmapped,
      () => resolveSasl(props, a, protocol),
      'set the credentials on the cluster after import',
    );
    if (sasl?.mechanism === 'OAUTHBEARER') cluster.sasl = { mechanism: 'OAUTHBEARER', ...sasl.oauth };
    else if (sasl) cluster.sasl = sasl;
    clusters.push(cluster);
  }

  const flows: Mm2Flow[] = [];
  const pairs = aliases.length === 0 ? [] : (tryConfig(unmapped, () => declaredFlows(props, aliases)) ?? []);
  for (const [source, target] of pairs) {
    const name = `${source}->${target}`;
    const config = tryConfig(unmapped, () =>
      toStoredFlowConfig(
        resolveFlowOptions(props, source, target),
        resolveSyncSettings(props, source, target),
      ),
    );
    if (!config) continue;
    const parsed = flowConfigSchema.safeParse(config);
    if (!parsed.success) {
      for (const i of parsed.error.issues)
        unmapped.push({ key: `${name}: ${i.path.join('.')}`, reason: i.message });
      continue;
    }
    const enabled = tryConfig(unmapped, () => flowEnabled(props, source, target)) ?? false;
    flows.push({ name, source, target, enabled, config: parsed.data });
  }

  for (const n of classifyKeys(props, aliases))
    unmapped.push({ key: n.key, reason: n.message.slice(n.key.length + 2).replace(/; ignored$/, '') });
  for (const key of props.keys()) {
    const m = /^(?:[^.]+->[^.]+\.)?(.+)$/.exec(key)!;
    const bare = m[1]!;
    const isFlowKey = !aliases.some((a) => key.startsWith(`${a}.`));
    if (!isFlowKey || STORED_KEYS.has(bare) || unmapped.some((u) => u.key === key)) continue;
    if (!Object.hasOwn(FLOW_KEYS, bare) && !Object.hasOwn(SYNC_KEYS, bare)) continue;
    unmapped.push({ key, reason: 'not stored with a flow: the control plane runs it with the default' });
  }
  for (const a of aliases)
    for (const key of props.keys())
      if (key.startsWith(`${a}.ssl.`) || (key.startsWith('ssl.') && a === aliases[0]))
        if (!unmapped.some((u) => u.key === key))
          unmapped.push({
            key,
            reason: 'TLS files (keystores/truststores) are not imported; paste PEMs on the cluster',
          });
  return { clusters, flows, unmapped };
}

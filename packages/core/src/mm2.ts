import type { SaslMechanism, SecurityProtocol } from './cluster-schema.ts';
import { defaultFlowConfig, type FlowConfig, flowConfigSchema } from './flow-config.ts';

/**
 * MirrorMaker 2 `mm2.properties` mapping. Keys are resolved as MM2 does: `A->B.key` overrides `key`;
 * cluster settings are `A.key`. Every key that has no Ferry equivalent is reported, never dropped silently.
 */

/** Java .properties parsing: `key = value` or `key: value`, `#`/`!` comments, `\` line continuations. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length)
      line = line.slice(0, -1) + (lines[++i] ?? '').replace(/^\s+/, '');
    const m = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out.set(unescapeJava(m[1] as string), unescapeJava((m[2] as string).trimEnd()));
    else out.set(unescapeJava(line), '');
  }
  return out;
}
const unescapeJava = (s: string) =>
  s.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', f: '\f' })[c] ?? c);

export interface Mm2Cluster {
  name: string;
  bootstrapServers: string;
  securityProtocol: SecurityProtocol;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}
export interface Mm2Flow {
  name: string;
  source: string;
  target: string;
  enabled: boolean;
  config: FlowConfig;
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

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const bool = (v: string) => v.trim().toLowerCase() === 'true';
const int = (v: string) => Number.parseInt(v.trim(), 10);

/** Flow-level keys: MM2 name → how to set it on the flow config. */
const FLOW_KEYS: Record<string, (c: Record<string, unknown>, v: string) => void> = {
  topics: (c, v) => (c.topics = list(v)),
  'topics.exclude': (c, v) => (c.topicsExclude = list(v)),
  'topics.blacklist': (c, v) => (c.topicsExclude = list(v)),
  groups: (c, v) => (c.groups = list(v)),
  'groups.exclude': (c, v) => (c.groupsExclude = list(v)),
  'groups.blacklist': (c, v) => (c.groupsExclude = list(v)),
  'replication.policy.class': (c, v) =>
    (c.replicationPolicy = /IdentityReplicationPolicy$/.test(v.trim()) ? 'identity' : 'default'),
  'replication.policy.separator': (c, v) => (c.separator = v),
  'emit.checkpoints.enabled': (c, v) => (c.checkpoints = bool(v)),
  'emit.checkpoints.interval.seconds': (c, v) => (c.checkpointsIntervalSeconds = int(v)),
  'sync.group.offsets.enabled': (c, v) => (c.syncGroupOffsets = bool(v)),
  'sync.group.offsets.interval.seconds': (c, v) => (c.syncGroupOffsetsIntervalSeconds = int(v)),
  'emit.heartbeats.enabled': (c, v) => (c.heartbeats = bool(v)),
  'emit.heartbeats.interval.seconds': (c, v) => (c.heartbeatsIntervalSeconds = int(v)),
  'sync.topic.configs.enabled': (c, v) => (c.syncTopicConfigs = bool(v)),
  'sync.topic.configs.interval.seconds': (c, v) => (c.syncTopicConfigsIntervalSeconds = int(v)),
  'sync.topic.acls.enabled': (c, v) => (c.syncTopicAcls = bool(v)),
  'sync.topic.acls.interval.seconds': (c, v) => (c.syncTopicAclsIntervalSeconds = int(v)),
  'tasks.max': (c, v) => (c.tasksMax = int(v)),
  'replication.factor': (c, v) => (c.replicationFactor = int(v)),
  'consumer.auto.offset.reset': (c, v) => (c.startPosition = v.trim() === 'latest' ? 'latest' : 'earliest'),
  'source.consumer.auto.offset.reset': (c, v) =>
    (c.startPosition = v.trim() === 'latest' ? 'latest' : 'earliest'),
  'exactly.once.source.support': (c, v) => (c.exactlyOnce = v.trim() === 'enabled'),
};
/** Keys MM2 needs that Ferry handles itself; accepted without a warning. */
const IGNORED_KEYS = new Set([
  'clusters',
  'enabled',
  'emit.heartbeats.enabled.internal',
  'refresh.topics.enabled',
  'refresh.groups.enabled',
]);
const IGNORED_FLOW_SUFFIX = ['refresh.topics.interval.seconds', 'refresh.groups.interval.seconds'];

function jaas(value: string): { username: string; password: string } | null {
  const u = /username\s*=\s*"([^"]*)"/.exec(value);
  const p = /password\s*=\s*"([^"]*)"/.exec(value);
  return u && p ? { username: u[1] as string, password: p[1] as string } : null;
}

export function importMm2(text: string): Mm2Import {
  const props = parseProperties(text);
  const unmapped: Mm2Unmapped[] = [];
  const aliases = list(props.get('clusters') ?? '');
  if (aliases.length === 0)
    unmapped.push({ key: 'clusters', reason: 'missing: no cluster aliases declared' });
  const used = new Set<string>();
  const clusters: Mm2Cluster[] = [];
  for (const a of aliases) {
    const get = (k: string) => {
      const key = `${a}.${k}`;
      if (props.has(key)) used.add(key);
      return props.get(key);
    };
    const bootstrap = get('bootstrap.servers') ?? '';
    if (!bootstrap)
      unmapped.push({
        key: `${a}.bootstrap.servers`,
        reason: 'missing: the cluster has no bootstrap servers',
      });
    const protocol = (get('security.protocol') ?? 'PLAINTEXT').trim().toUpperCase() as SecurityProtocol;
    const cluster: Mm2Cluster = { name: a, bootstrapServers: bootstrap, securityProtocol: protocol };
    if (protocol.startsWith('SASL_')) {
      const mechanism = (get('sasl.mechanism') ?? 'PLAIN').trim().toUpperCase() as SaslMechanism;
      const creds = jaas(get('sasl.jaas.config') ?? '');
      if (creds) cluster.sasl = { mechanism, ...creds };
      else
        unmapped.push({
          key: `${a}.sasl.jaas.config`,
          reason: 'no username/password found; set the credentials on the cluster after import',
        });
    }
    clusters.push(cluster);
  }

  const flowKeys = [...props.keys()].filter((k) => /^[^.]+->[^.]+\.enabled$/.test(k));
  const flows: Mm2Flow[] = [];
  for (const fk of flowKeys) {
    used.add(fk);
    const [pair] = fk.split('.enabled') as [string];
    const [source, target] = pair.split('->') as [string, string];
    if (!aliases.includes(source) || !aliases.includes(target)) {
      unmapped.push({ key: fk, reason: `flow refers to a cluster not listed in "clusters"` });
      continue;
    }
    const raw: Record<string, unknown> = { ...defaultFlowConfig() };
    for (const [key, set] of Object.entries(FLOW_KEYS)) {
      const v = props.get(`${pair}.${key}`) ?? props.get(key);
      if (v !== undefined) {
        set(raw, v);
        used.add(props.has(`${pair}.${key}`) ? `${pair}.${key}` : key);
      }
    }
    const parsed = flowConfigSchema.safeParse(raw);
    if (!parsed.success) {
      for (const i of parsed.error.issues)
        unmapped.push({ key: `${pair}: ${i.path.join('.')}`, reason: i.message });
      continue;
    }
    flows.push({ name: pair, source, target, enabled: bool(props.get(fk) ?? 'false'), config: parsed.data });
  }
  for (const key of props.keys()) {
    if (used.has(key) || IGNORED_KEYS.has(key)) continue;
    if (FLOW_KEYS[key] && flows.length > 0) continue;
    if (IGNORED_FLOW_SUFFIX.some((s) => key.endsWith(s))) continue;
    if (/^[^.]+->[^.]+\./.test(key) && FLOW_KEYS[key.replace(/^[^.]+->[^.]+\./, '')]) continue;
    unmapped.push({
      key,
      reason: key.includes('ssl.')
        ? 'TLS files (keystores/truststores) are not imported; paste PEMs on the cluster'
        : 'no Ferry equivalent',
    });
  }
  return { clusters, flows, unmapped };
}

/** One flow as an `mm2.properties`. Secrets are never exported: passwords are left as placeholders. */
export function exportMm2(
  flow: { name: string; enabled: boolean; config: FlowConfig },
  source: {
    name: string;
    bootstrapServers: string;
    securityProtocol: SecurityProtocol;
    sasl?: { mechanism: SaslMechanism; username: string } | null;
  },
  target: {
    name: string;
    bootstrapServers: string;
    securityProtocol: SecurityProtocol;
    sasl?: { mechanism: SaslMechanism; username: string } | null;
  },
): string {
  const c = flow.config;
  const pair = `${source.name}->${target.name}`;
  const lines = [
    `# Exported by Ferry from flow "${flow.name}"`,
    `clusters = ${source.name}, ${target.name}`,
    '',
  ];
  for (const cl of [source, target]) {
    lines.push(`${cl.name}.bootstrap.servers = ${cl.bootstrapServers}`);
    if (cl.securityProtocol !== 'PLAINTEXT')
      lines.push(`${cl.name}.security.protocol = ${cl.securityProtocol}`);
    if (cl.sasl) {
      const module =
        cl.sasl.mechanism === 'PLAIN'
          ? 'org.apache.kafka.common.security.plain.PlainLoginModule'
          : 'org.apache.kafka.common.security.scram.ScramLoginModule';
      lines.push(`${cl.name}.sasl.mechanism = ${cl.sasl.mechanism}`);
      lines.push(`# password not exported: fill it in`);
      lines.push(
        `${cl.name}.sasl.jaas.config = ${module} required username="${cl.sasl.username}" password="<password>";`,
      );
    }
    lines.push('');
  }
  // Java .properties drops a lone backslash, so regex escapes are written doubled.
  const j = (xs: string[]) => xs.map((x) => x.replaceAll('\\', '\\\\')).join(', ');
  lines.push(
    `${pair}.enabled = ${flow.enabled}`,
    `${pair}.topics = ${j(c.topics)}`,
    `${pair}.topics.exclude = ${j(c.topicsExclude)}`,
    `${pair}.groups = ${j(c.groups)}`,
    `${pair}.groups.exclude = ${j(c.groupsExclude)}`,
    `${pair}.replication.policy.class = org.apache.kafka.connect.mirror.${c.replicationPolicy === 'identity' ? 'IdentityReplicationPolicy' : 'DefaultReplicationPolicy'}`,
    `${pair}.replication.policy.separator = ${c.separator}`,
    `${pair}.emit.checkpoints.enabled = ${c.checkpoints}`,
    `${pair}.emit.checkpoints.interval.seconds = ${c.checkpointsIntervalSeconds}`,
    `${pair}.sync.group.offsets.enabled = ${c.syncGroupOffsets}`,
    `${pair}.sync.group.offsets.interval.seconds = ${c.syncGroupOffsetsIntervalSeconds}`,
    `${pair}.emit.heartbeats.enabled = ${c.heartbeats}`,
    `${pair}.emit.heartbeats.interval.seconds = ${c.heartbeatsIntervalSeconds}`,
    `${pair}.sync.topic.configs.enabled = ${c.syncTopicConfigs}`,
    `${pair}.sync.topic.configs.interval.seconds = ${c.syncTopicConfigsIntervalSeconds}`,
    `${pair}.sync.topic.acls.enabled = ${c.syncTopicAcls}`,
    `${pair}.sync.topic.acls.interval.seconds = ${c.syncTopicAclsIntervalSeconds}`,
    `${pair}.tasks.max = ${c.tasksMax}`,
  );
  if (c.replicationFactor !== -1) lines.push(`${pair}.replication.factor = ${c.replicationFactor}`);
  lines.push(`${pair}.consumer.auto.offset.reset = ${c.startPosition}`);
  if (c.exactlyOnce) lines.push(`exactly.once.source.support = enabled`);
  return `${lines.join('\n')}\n`;
}

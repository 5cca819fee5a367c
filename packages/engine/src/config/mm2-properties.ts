import { readFileSync } from 'node:fs';
import { SYNC_KEYS } from '../checkpoints/settings.ts';
import { ConfigError } from '../errors.ts';
import {
  DEFAULT_SEPARATOR,
  type ReplicationPolicy,
  replicationPolicyFromClass,
} from '../policy/replication-policy.ts';
import { DEFAULT_TOPICS_EXCLUDE, splitList } from '../policy/topic-filter.ts';
import type {
  ClusterConfig,
  FlowConfig,
  SaslMechanism,
  SecurityProtocol,
  StartPosition,
} from './flow-config.ts';
import { flowId } from './flow-config.ts';
import { parseProperties } from './properties.ts';

/** Flow-level keys: resolved as `A->B.<key>`, else `<key>`, else the default. */
export const FLOW_KEYS = {
  enabled: 'false',
  topics: '.*',
  'topics.exclude': DEFAULT_TOPICS_EXCLUDE.join(','),
  'replication.policy.class': 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
  'replication.policy.separator': DEFAULT_SEPARATOR,
  'refresh.topics.enabled': 'true',
  'refresh.topics.interval.seconds': '600',
  'tasks.max': '1',
  'replication.factor': '-1',
  'exactly.once': 'true',
  'start.position': 'earliest',
  'fetch.max.bytes.per.partition': '1048576',
  'batch.max.bytes': '4194304',
  'commit.interval.ms': '100',
} as const;

/** Cluster-level keys: resolved as `<alias>.<key>`, else `<key>`. */
export const CLUSTER_KEYS = [
  'bootstrap.servers',
  'security.protocol',
  'sasl.mechanism',
  'sasl.jaas.config',
  'ssl.truststore.type',
  'ssl.truststore.certificates',
  'ssl.truststore.location',
  'ssl.keystore.type',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.keystore.location',
  'ssl.key.password',
  'ssl.endpoint.identification.algorithm',
] as const;

/** MM2 keys Ferry knows but does not implement yet: reported at start-up, then ignored. */
export const NOT_YET_SUPPORTED = [
  'topics.exclude.legacy',
  'offset.lag.max',
  'topic.filter.class',
  'group.filter.class',
  'config.property.filter.class',
  'exactly.once.source.support',
  'dedicated.mode.enable.internal.rest',
  'replication.policy.internal.topic.separator.enabled',
  'offset.storage.replication.factor',
  'config.storage.replication.factor',
  'status.storage.replication.factor',
  'sasl.login.callback.handler.class',
  'ssl.truststore.password',
  'ssl.keystore.password',
  'key.converter',
  'value.converter',
  'header.converter',
];

export interface ConfigNotice {
  key: string;
  kind: 'unsupported' | 'unknown';
  message: string;
}

export interface Mm2Config {
  clusters: string[];
  /** Enabled flows only. */
  flows: FlowConfig[];
  notices: ConfigNotice[];
}

const NOT_YET = new Set(NOT_YET_SUPPORTED);
const CLUSTER_KEY_SET = new Set<string>(CLUSTER_KEYS);
const FLOW_KEY_SET = new Set<string>(Object.keys(FLOW_KEYS));
const CLIENT_PREFIXES = [
  'consumer.',
  'producer.',
  'admin.',
  'source.cluster.',
  'target.cluster.',
  'source.admin.',
  'target.admin.',
];

export function loadMm2PropertiesFile(path: string): Mm2Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('file', path, `cannot read: ${(e as Error).message}`);
  }
  return parseMm2Config(parseProperties(text));
}

/** Resolves an MM2 properties map into flows, applying MM2's precedence and validating every value. */
export function parseMm2Config(props: Map<string, string>): Mm2Config {
  const clusters = splitList(props.get('clusters'));
  if (clusters.length === 0)
    throw new ConfigError('clusters', props.get('clusters'), 'list at least one cluster alias');
  const notices = classifyKeys(props, clusters);
  const flows: FlowConfig[] = [];
  for (const source of clusters) {
    for (const target of clusters) {
      if (source === target) continue;
      const get = (k: keyof typeof FLOW_KEYS) => flowValue(props, source, target, k);
      if (
        !parseBool(
          `${source}->${target}.enabled`,
          props.get(`${source}->${target}.enabled`) ?? FLOW_KEYS.enabled,
        )
      )
        continue;
      flows.push(resolveFlow(props, source, target, get));
    }
  }
  for (const k of props.keys()) {
    const m = /^([^.]+)->([^.]+)\.enabled$/.exec(k);
    if (m && (!clusters.includes(m[1]!) || !clusters.includes(m[2]!))) {
      throw new ConfigError(k, props.get(k), `names a cluster not listed in clusters=${clusters.join(',')}`);
    }
  }
  rejectIdentityCycles(flows);
  return { clusters, flows, notices };
}

function flowValue(
  props: Map<string, string>,
  source: string,
  target: string,
  key: keyof typeof FLOW_KEYS,
): { key: string; value: string } {
  const flowKey = `${source}->${target}.${key}`;
  if (props.has(flowKey)) return { key: flowKey, value: props.get(flowKey)! };
  if (props.has(key)) return { key, value: props.get(key)! };
  return { key, value: FLOW_KEYS[key] };
}

function resolveFlow(
  props: Map<string, string>,
  source: string,
  target: string,
  get: (k: keyof typeof FLOW_KEYS) => { key: string; value: string },
): FlowConfig {
  const sep = get('replication.policy.separator');
  const cls = get('replication.policy.class');
  let policy: ReplicationPolicy;
  try {
    policy = replicationPolicyFromClass(cls.value, sep.value);
  } catch (e) {
    if (e instanceof ConfigError)
      throw new ConfigError(cls.key, cls.value, e.message.replace(/^[^:]*: /, ''));
    throw e;
  }
  const topics = splitList(get('topics').value);
  const excl = get('topics.exclude');
  for (const [k, list] of [
    [get('topics').key, topics],
    [excl.key, splitList(excl.value)],
  ] as const) {
    for (const p of list) {
      try {
        new RegExp(p);
      } catch (e) {
        throw new ConfigError(k, p, `not a valid regular expression: ${(e as Error).message}`);
      }
    }
  }
  const start = get('start.position');
  if (start.value !== 'earliest' && start.value !== 'latest')
    throw new ConfigError(start.key, start.value, 'must be earliest or latest');
  const rf = parseIntIn(get('replication.factor'), -1, 32767);
  if (rf === 0 || rf < -1)
    throw new ConfigError(
      get('replication.factor').key,
      String(rf),
      'must be -1 (broker default) or at least 1',
    );
  return {
    id: flowId(source, target),
    source: resolveCluster(props, source),
    target: resolveCluster(props, target),
    topics,
    topicsExclude: splitList(excl.value),
    policy,
    refreshTopicsEnabled: parseBool(get('refresh.topics.enabled').key, get('refresh.topics.enabled').value),
    refreshTopicsIntervalMs: parseNumberIn(get('refresh.topics.interval.seconds'), 0.1, 86400 * 7) * 1000,
    tasksMax: parseIntIn(get('tasks.max'), 1, 10000),
    replicationFactor: rf,
    exactlyOnce: parseBool(get('exactly.once').key, get('exactly.once').value),
    startPosition: start.value as StartPosition,
    fetchMaxBytesPerPartition: parseIntIn(get('fetch.max.bytes.per.partition'), 1024, 1 << 30),
    batchMaxBytes: parseIntIn(get('batch.max.bytes'), 1024, 1 << 30),
    commitIntervalMs: parseIntIn(get('commit.interval.ms'), 1, 600000),
  };
}

function clusterValue(
  props: Map<string, string>,
  alias: string,
  key: string,
): { key: string; value: string | undefined } {
  const k = `${alias}.${key}`;
  if (props.has(k) || !props.has(key)) return { key: k, value: props.get(k) };
  return { key, value: props.get(key) };
}

const PROTOCOLS: SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const MECHANISMS: SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

export function resolveCluster(props: Map<string, string>, alias: string): ClusterConfig {
  const cv = (k: string) => clusterValue(props, alias, k);
  const bs = cv('bootstrap.servers');
  const servers = splitList(bs.value);
  if (servers.length === 0)
    throw new ConfigError(`${alias}.bootstrap.servers`, bs.value, 'required: host:port list');
  for (const s of servers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(s) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(s))
      throw new ConfigError(bs.key, bs.value, `"${s}" is not host:port`);
  }
  const sp = cv('security.protocol');
  const protocol = (sp.value ?? 'PLAINTEXT').toUpperCase() as SecurityProtocol;
  if (!PROTOCOLS.includes(protocol))
    throw new ConfigError(sp.key, sp.value, `must be one of ${PROTOCOLS.join(', ')}`);
  const cluster: ClusterConfig = { alias, bootstrapServers: servers, securityProtocol: protocol };
  if (protocol.startsWith('SASL')) {
    const mech = cv('sasl.mechanism');
    const mechanism = (mech.value ?? 'GSSAPI').toUpperCase() as SaslMechanism;
    if (!MECHANISMS.includes(mechanism))
      throw new ConfigError(
        mech.key,
        mech.value ?? 'GSSAPI (MM2 default)',
        `supported: ${MECHANISMS.join(', ')}`,
      );
    const jaas = cv('sasl.jaas.config');
    cluster.sasl = { mechanism, ...parseJaas(jaas.key, jaas.value, mechanism) };
  }
  if (protocol === 'SSL' || protocol === 'SASL_SSL') cluster.ssl = resolveSsl(cv);
  return cluster;
}

/** `org.apache.kafka.common.security.{plain.PlainLoginModule|scram.ScramLoginModule} required username="u" password="p";` */
export function parseJaas(
  key: string,
  value: string | undefined,
  mechanism: SaslMechanism,
): { username: string; password: string } {
  if (!value) throw new ConfigError(key, value, `required for SASL ${mechanism}`);
  const m = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b(.*?);?\s*$/s.exec(value);
  if (!m)
    throw new ConfigError(
      key,
      '(hidden)',
      'expected "<LoginModule> required username=\\"…\\" password=\\"…\\";"',
    );
  const module = m[1]!;
  const wanted = mechanism === 'PLAIN' ? 'PlainLoginModule' : 'ScramLoginModule';
  if (!module.endsWith(wanted))
    throw new ConfigError(key, module, `sasl.mechanism=${mechanism} needs ${wanted}`);
  const opts = new Map<string, string>();
  for (const o of m[3]!.matchAll(/([\w.]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]+))/g))
    opts.set(o[1]!, (o[2] ?? o[3] ?? '').replace(/\\(.)/g, '$1'));
  const username = opts.get('username');
  const password = opts.get('password');
  if (!username || password === undefined)
    throw new ConfigError(key, '(hidden)', 'must set username and password');
  return { username, password };
}

function readPem(key: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(key, path, `cannot read PEM file: ${(e as Error).message}`);
  }
}

function resolveSsl(
  cv: (k: string) => { key: string; value: string | undefined },
): NonNullable<ClusterConfig['ssl']> {
  const ssl: NonNullable<ClusterConfig['ssl']> = { verifyHostname: true };
  const eia = cv('ssl.endpoint.identification.algorithm');
  if (eia.value !== undefined) {
    if (eia.value === '') ssl.verifyHostname = false;
    else if (eia.value.toLowerCase() !== 'https')
      throw new ConfigError(eia.key, eia.value, 'must be https or empty');
  }
  const tt = cv('ssl.truststore.type');
  const tc = cv('ssl.truststore.certificates');
  const tl = cv('ssl.truststore.location');
  if (tc.value || tl.value) {
    if ((tt.value ?? 'JKS').toUpperCase() !== 'PEM') {
      throw new ConfigError(
        tt.key,
        tt.value ?? 'JKS (default)',
        'only PEM trust stores are supported: set ssl.truststore.type=PEM',
      );
    }
    ssl.ca = tc.value ? tc.value : readPem(tl.key, tl.value!);
    if (!ssl.ca.includes('-----BEGIN CERTIFICATE-----'))
      throw new ConfigError(
        tc.value ? tc.key : tl.key,
        tc.value ? '(inline)' : tl.value,
        'no PEM certificate found',
      );
  }
  const kt = cv('ssl.keystore.type');
  const kc = cv('ssl.keystore.certificate.chain');
  const kk = cv('ssl.keystore.key');
  const kl = cv('ssl.keystore.location');
  if (kc.value || kk.value || kl.value) {
    if ((kt.value ?? 'JKS').toUpperCase() !== 'PEM')
      throw new ConfigError(
        kt.key,
        kt.value ?? 'JKS (default)',
        'only PEM key stores are supported: set ssl.keystore.type=PEM',
      );
    const pem = kl.value ? readPem(kl.key, kl.value) : '';
    ssl.cert = kc.value ?? pem;
    ssl.key = kk.value ?? pem;
    const kp = cv('ssl.key.password');
    if (kp.value) ssl.keyPassword = kp.value;
  }
  return ssl;
}

function classifyKeys(props: Map<string, string>, clusters: string[]): ConfigNotice[] {
  const notices: ConfigNotice[] = [];
  for (const key of props.keys()) {
    if (key === 'clusters') continue;
    let bare = key;
    const flow = /^([^.]+)->([^.]+)\.(.+)$/.exec(key);
    let scope: 'top' | 'flow' | 'cluster' = 'top';
    if (flow) {
      bare = flow[3]!;
      scope = 'flow';
    } else {
      const alias = clusters.find((c) => key.startsWith(`${c}.`));
      if (alias) {
        bare = key.slice(alias.length + 1);
        scope = 'cluster';
      }
    }
    if (scope !== 'cluster' && FLOW_KEY_SET.has(bare)) continue;
    if (scope !== 'cluster' && Object.hasOwn(SYNC_KEYS, bare)) continue;
    if (scope !== 'flow' && CLUSTER_KEY_SET.has(bare)) continue;
    if (
      NOT_YET.has(bare) ||
      CLIENT_PREFIXES.some((p) => bare.startsWith(p)) ||
      bare.startsWith('ssl.') ||
      bare.startsWith('sasl.')
    ) {
      notices.push({
        key,
        kind: 'unsupported',
        message: `${key}: an MM2 setting Ferry does not support yet; ignored`,
      });
    } else {
      notices.push({ key, kind: 'unknown', message: `${key}: not a known MM2 or Ferry setting; ignored` });
    }
  }
  return notices;
}

function rejectIdentityCycles(flows: FlowConfig[]): void {
  for (const f of flows) {
    if (f.policy.kind !== 'identity') continue;
    const back = flows.find((g) => g.source.alias === f.target.alias && g.target.alias === f.source.alias);
    if (back) {
      throw new ConfigError(
        'replication.policy.class',
        'IdentityReplicationPolicy',
        `${f.id} and ${back.id} both run with the identity policy: records would loop; use DefaultReplicationPolicy for active/active`,
      );
    }
  }
}

export function parseBool(key: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConfigError(key, value, 'must be true or false');
}

function parseNumberIn({ key, value }: { key: string; value: string }, min: number, max: number): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) throw new ConfigError(key, value, 'must be a number');
  if (n < min || n > max) throw new ConfigError(key, value, `must be between ${min} and ${max}`);
  return n;
}

function parseIntIn(kv: { key: string; value: string }, min: number, max: number): number {
  const n = parseNumberIn(kv, min, max);
  if (!Number.isInteger(n)) throw new ConfigError(kv.key, kv.value, 'must be an integer');
  return n;
}

import { readFileSync } from 'node:fs';
import {
  CLIENT_PREFIXES,
  CLUSTER_DEFAULTS,
  CLUSTER_KEYS,
  ConfigError,
  FERRY_DEFAULTS,
  type FerryDefault,
  FLOW_KEYS,
  type FlowKey,
  identityCycle,
  MM2_EQUIVALENTS,
  NOT_YET_SUPPORTED,
  parseProperties,
  patternList,
  type ReplicationPolicy,
  replicationPolicyFromClass,
  SYNC_EQUIVALENTS,
  SYNC_KEYS,
  splitList,
} from '@ferry/core';
import type {
  ClusterConfig,
  FlowConfig,
  OAuthClientCredentials,
  SaslMechanism,
  SecurityProtocol,
  StartPosition,
} from './flow-config.ts';
import { flowId } from './flow-config.ts';
import { readStore } from './key-stores.ts';
import { parseBool, parseIntIn, parseNumberIn, type Resolved } from './values.ts';

export { CLUSTER_KEYS, FLOW_KEYS, NOT_YET_SUPPORTED } from '@ferry/core';
export { parseBool, type Resolved } from './values.ts';

export interface ConfigNotice {
  key: string;
  kind: 'unsupported' | 'unknown' | 'mapped';
  message: string;
}

export interface Mm2Config {
  clusters: string[];
  /** Enabled flows only (with `clusters`: only those into the named targets). */
  flows: FlowConfig[];
  notices: ConfigNotice[];
  /** Ferry defaults that differ from MM2's and that this file leaves unset (printed at start-up). */
  defaults: FerryDefault[];
}

export interface Mm2Options {
  /** connect-mirror-maker.sh `--clusters A,B`: run only the flows whose target is one of these aliases. */
  clusters?: string[];
}

export function loadMm2PropertiesFile(path: string, opts: Mm2Options = {}): Mm2Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('file', path, `cannot read: ${(e as Error).message}`);
  }
  return parseMm2Config(parseProperties(text), opts);
}

/** The flows `A->B` the file declares with an `A->B.enabled` key (enabled or not), in file order. */
export function declaredFlows(props: Map<string, string>, clusters: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const k of props.keys()) {
    const m = /^([^.]+)->([^.]+)\.enabled$/.exec(k);
    if (!m) continue;
    if (!clusters.includes(m[1]!) || !clusters.includes(m[2]!))
      throw new ConfigError(k, props.get(k), `names a cluster not listed in clusters=${clusters.join(',')}`);
    out.push([m[1]!, m[2]!]);
  }
  return out;
}

/** Whether `A->B.enabled` is set (MM2's README writes a bare `A->B.enabled` for true). */
export function flowEnabled(props: Map<string, string>, source: string, target: string): boolean {
  const k = `${source}->${target}.enabled`;
  const v = props.get(k);
  if (v === undefined) return parseBool(k, FLOW_KEYS.enabled);
  return v.trim() === '' ? true : parseBool(k, v);
}

export function clusterAliases(props: Map<string, string>): string[] {
  const clusters = splitList(props.get('clusters'));
  if (clusters.length === 0)
    throw new ConfigError('clusters', props.get('clusters'), 'list at least one cluster alias');
  return clusters;
}

/** Resolves an MM2 properties map into flows, applying MM2's precedence and validating every value. */
export function parseMm2Config(props: Map<string, string>, opts: Mm2Options = {}): Mm2Config {
  const clusters = clusterAliases(props);
  const only = opts.clusters;
  for (const c of only ?? [])
    if (!clusters.includes(c))
      throw new ConfigError(
        '--clusters',
        only!.join(','),
        `"${c}" is not listed in clusters=${clusters.join(',')}`,
      );
  const notices = classifyKeys(props, clusters);
  declaredFlows(props, clusters);
  const enabled: FlowConfig[] = [];
  for (const source of clusters) {
    for (const target of clusters) {
      if (source === target || !flowEnabled(props, source, target)) continue;
      enabled.push(resolveFlow(props, source, target));
    }
  }
  rejectIdentityCycles(enabled);
  const flows = only ? enabled.filter((f) => only.includes(f.target.alias)) : enabled;
  return { clusters, flows, notices, defaults: unsetFerryDefaults(props) };
}

/** `A->B.<key>`, else `<key>`; undefined when neither is set. */
export function flowSetting(
  props: Map<string, string>,
  source: string,
  target: string,
  key: string,
): Resolved | undefined {
  const flowKey = `${source}->${target}.${key}`;
  if (props.has(flowKey)) return { key: flowKey, value: props.get(flowKey)! };
  if (props.has(key)) return { key, value: props.get(key)! };
  return undefined;
}

/** A flow key: its own setting, else its MM2 equivalents (see `MM2_EQUIVALENTS`), else the default. */
function flowValue(props: Map<string, string>, source: string, target: string, key: FlowKey): Resolved {
  const own = flowSetting(props, source, target, key);
  if (own) return own;
  const alt = (MM2_EQUIVALENTS as Record<string, readonly string[]>)[key] ?? [];
  for (const k of alt) {
    const v = flowSetting(props, source, target, k);
    if (v) return translateEquivalent(key, v);
  }
  if (key === 'start.position') {
    const c = `${source}.consumer.auto.offset.reset`;
    if (props.has(c)) return translateEquivalent(key, { key: c, value: props.get(c)! });
  }
  if (key === 'fetch.max.bytes.per.partition') {
    const v = flowSetting(props, source, target, 'consumer.max.partition.fetch.bytes');
    if (v) return v;
  }
  return { key, value: FLOW_KEYS[key] };
}

function translateEquivalent(key: FlowKey, r: Resolved): Resolved {
  const v = r.value.trim().toLowerCase();
  if (key === 'exactly.once') {
    if (v === 'enabled' || v === 'preparing') return { key: r.key, value: 'true' };
    if (v === 'disabled') return { key: r.key, value: 'false' };
    throw new ConfigError(r.key, r.value, 'must be enabled, preparing or disabled');
  }
  if (key === 'start.position' && v !== 'earliest' && v !== 'latest')
    throw new ConfigError(r.key, r.value, 'Ferry needs a start position: earliest or latest');
  return { key: r.key, value: v };
}

/** One flow `source->target`, fully resolved (TLS material read from the files the keys name). */
export function resolveFlow(props: Map<string, string>, source: string, target: string): FlowConfig {
  return {
    ...resolveFlowOptions(props, source, target),
    source: resolveCluster(props, source),
    target: resolveCluster(props, target),
  };
}

/** The data-path options of flow `source->target` (everything but the clusters); pure. */
export function resolveFlowOptions(
  props: Map<string, string>,
  source: string,
  target: string,
): Omit<FlowConfig, 'source' | 'target'> {
  const get = (k: FlowKey) => flowValue(props, source, target, k);
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
  const inc = get('topics');
  const excl = get('topics.exclude');
  patternList(inc.key, splitList(inc.value));
  patternList(excl.key, splitList(excl.value));
  const start = get('start.position');
  if (start.value !== 'earliest' && start.value !== 'latest')
    throw new ConfigError(start.key, start.value, 'must be earliest or latest');
  const gap = get('gap.policy');
  if (gap.value !== 'continue' && gap.value !== 'halt')
    throw new ConfigError(gap.key, gap.value, 'must be continue or halt');
  const tv = get('transaction.version');
  const transactionVersion = tv.value.trim().toLowerCase();
  if (transactionVersion !== 'auto' && transactionVersion !== '1')
    throw new ConfigError(
      tv.key,
      tv.value,
      'must be auto (V2 where the target offers it, else V1) or 1 (V1 always)',
    );
  const rf = parseIntIn(get('replication.factor'), -1, 32767);
  if (rf === 0 || rf < -1)
    throw new ConfigError(
      get('replication.factor').key,
      String(rf),
      'must be -1 (broker default) or at least 1',
    );
  return {
    id: flowId(source, target),
    topics: splitList(inc.value),
    topicsExclude: splitList(excl.value),
    policy,
    refreshTopicsEnabled: parseBool(get('refresh.topics.enabled').key, get('refresh.topics.enabled').value),
    refreshTopicsIntervalMs: parseNumberIn(get('refresh.topics.interval.seconds'), 0.1, 86400 * 7) * 1000,
    tasksMax: parseIntIn(get('tasks.max'), 1, 10000),
    replicationFactor: rf,
    exactlyOnce: parseBool(get('exactly.once').key, get('exactly.once').value),
    startPosition: start.value as StartPosition,
    gapPolicy: gap.value,
    fetchMaxBytesPerPartition: parseIntIn(get('fetch.max.bytes.per.partition'), 1024, 1 << 30),
    fetchLingerMs: parseIntIn(get('fetch.linger.ms'), 0, 500),
    batchMaxBytes: parseIntIn(get('batch.max.bytes'), 1024, 1 << 30),
    commitIntervalMs: parseIntIn(get('commit.interval.ms'), 1, 600000),
    commitLingerMs: parseIntIn(get('commit.linger.ms'), 0, 600000),
    commitMinIntervalMs: parseIntIn(get('commit.min.interval.ms'), 0, 600000),
    transactionVersion: transactionVersion === '1' ? 1 : 'auto',
  };
}

/** `<alias>.<key>`, else `<key>` (a top-level value applies to every cluster). */
export function clusterValue(
  props: Map<string, string>,
  alias: string,
  key: string,
): { key: string; value: string | undefined } {
  const k = `${alias}.${key}`;
  if (props.has(k) || !props.has(key)) return { key: k, value: props.get(k) };
  return { key, value: props.get(key) };
}

const PROTOCOLS: SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const MECHANISMS: SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'];

/** How to reach cluster `alias`, TLS material included (read from the files the `ssl.*` keys name). */
export function resolveCluster(props: Map<string, string>, alias: string): ClusterConfig {
  const cluster = resolveClusterAccess(props, alias);
  if (cluster.securityProtocol === 'SSL' || cluster.securityProtocol === 'SASL_SSL')
    cluster.ssl = resolveSsl((k) => clusterValue(props, alias, k));
  return cluster;
}

/** Bootstrap servers, protocol and SASL of cluster `alias`; pure (reads no file, leaves `ssl` unset). */
export function resolveClusterAccess(props: Map<string, string>, alias: string): ClusterConfig {
  const cluster = resolveEndpoint(props, alias);
  const sasl = resolveSasl(props, alias, cluster.securityProtocol);
  return sasl ? { ...cluster, sasl } : cluster;
}

/** Bootstrap servers and security protocol of cluster `alias`. */
export function resolveEndpoint(props: Map<string, string>, alias: string): ClusterConfig {
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
  const protocol = (sp.value ?? CLUSTER_DEFAULTS['security.protocol']).toUpperCase() as SecurityProtocol;
  if (!PROTOCOLS.includes(protocol))
    throw new ConfigError(sp.key, sp.value, `must be one of ${PROTOCOLS.join(', ')}`);
  return { alias, bootstrapServers: servers, securityProtocol: protocol };
}

/** SASL mechanism and credentials of cluster `alias` (undefined unless the protocol is SASL_*). */
export function resolveSasl(
  props: Map<string, string>,
  alias: string,
  protocol: SecurityProtocol,
): ClusterConfig['sasl'] {
  if (!protocol.startsWith('SASL')) return undefined;
  const cv = (k: string) => clusterValue(props, alias, k);
  const mech = cv('sasl.mechanism');
  const mechanism = (mech.value ?? CLUSTER_DEFAULTS['sasl.mechanism']).toUpperCase() as SaslMechanism;
  if (!MECHANISMS.includes(mechanism))
    throw new ConfigError(
      mech.key,
      mech.value ?? `${CLUSTER_DEFAULTS['sasl.mechanism']} (MM2 default)`,
      `supported: ${MECHANISMS.join(', ')}`,
    );
  const jaas = cv('sasl.jaas.config');
  if (mechanism === 'OAUTHBEARER') return { mechanism, oauth: resolveOAuth(cv, jaas) };
  return { mechanism, ...parseJaas(jaas.key, jaas.value, mechanism) };
}

const LOGIN_HANDLER = 'OAuthBearerLoginCallbackHandler';

/**
 * OAUTHBEARER by client credentials, as Kafka's login handler reads it: `sasl.oauthbearer.token.endpoint.url`
 * and `OAuthBearerLoginModule required clientId="…" clientSecret="…" [scope="…"];`. A
 * `sasl.login.callback.handler.class` other than Kafka's OAuthBearerLoginCallbackHandler (a custom token
 * source) cannot run here and is refused.
 */
function resolveOAuth(
  cv: (k: string) => { key: string; value: string | undefined },
  jaas: { key: string; value: string | undefined },
): OAuthClientCredentials {
  const url = cv('sasl.oauthbearer.token.endpoint.url');
  if (!url.value)
    throw new ConfigError(url.key, url.value, 'required for SASL OAUTHBEARER (the token endpoint)');
  let parsed: URL;
  try {
    parsed = new URL(url.value);
  } catch {
    throw new ConfigError(url.key, url.value, 'not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new ConfigError(
      url.key,
      url.value,
      'must be an http(s) URL (Ferry does not read tokens from files)',
    );
  const handler = cv('sasl.login.callback.handler.class');
  if (handler.value && !handler.value.endsWith(LOGIN_HANDLER))
    throw new ConfigError(handler.key, handler.value, `only Kafka's ${LOGIN_HANDLER} is supported`);
  const { module, options } = jaasOptions(jaas.key, jaas.value, 'OAUTHBEARER');
  if (!module.endsWith('OAuthBearerLoginModule'))
    throw new ConfigError(jaas.key, module, 'sasl.mechanism=OAUTHBEARER needs OAuthBearerLoginModule');
  const clientId = options.get('clientId');
  const clientSecret = options.get('clientSecret');
  if (!clientId || !clientSecret)
    throw new ConfigError(jaas.key, '(hidden)', 'must set clientId and clientSecret');
  const scope = options.get('scope');
  return { tokenEndpointUrl: url.value, clientId, clientSecret, ...(scope ? { scope } : {}) };
}

/** `org.apache.kafka.common.security.{plain.PlainLoginModule|scram.ScramLoginModule} required username="u" password="p";` */
export function parseJaas(
  key: string,
  value: string | undefined,
  mechanism: SaslMechanism,
): { username: string; password: string } {
  const { module, options: opts } = jaasOptions(key, value, mechanism);
  const wanted = mechanism === 'PLAIN' ? 'PlainLoginModule' : 'ScramLoginModule';
  if (!module.endsWith(wanted))
    throw new ConfigError(key, module, `sasl.mechanism=${mechanism} needs ${wanted}`);
  const username = opts.get('username');
  const password = opts.get('password');
  if (!username || password === undefined)
    throw new ConfigError(key, '(hidden)', 'must set username and password');
  return { username, password };
}

/** `<LoginModule> required k="v" …;`: the module's class name and its options. */
function jaasOptions(
  key: string,
  value: string | undefined,
  mechanism: SaslMechanism,
): { module: string; options: Map<string, string> } {
  if (!value) throw new ConfigError(key, value, `required for SASL ${mechanism}`);
  const m = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\b(.*?);?\s*$/s.exec(value);
  if (!m) throw new ConfigError(key, '(hidden)', 'expected "<LoginModule> required key=\\"value\\" …;"');
  const options = new Map<string, string>();
  for (const o of m[3]!.matchAll(/([\w.]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]+))/g))
    options.set(o[1]!, (o[2] ?? o[3] ?? '').replace(/\\(.)/g, '$1'));
  return { module: m[1]!, options };
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
  const tc = cv('ssl.truststore.certificates');
  const tl = cv('ssl.truststore.location');
  if (tc.value) {
    ssl.ca = tc.value;
    if (!ssl.ca.includes('-----BEGIN CERTIFICATE-----'))
      throw new ConfigError(tc.key, '(inline)', 'no PEM certificate found');
  } else if (tl.value) {
    const store = readStore('truststore', tl, cv('ssl.truststore.type'), cv('ssl.truststore.password'));
    ssl.ca = store.certs;
  }
  const kc = cv('ssl.keystore.certificate.chain');
  const kk = cv('ssl.keystore.key');
  const kl = cv('ssl.keystore.location');
  const kp = cv('ssl.key.password');
  if (kc.value || kk.value) {
    if (!kc.value || !kk.value)
      throw new ConfigError(
        kc.value ? kk.key : kc.key,
        undefined,
        'ssl.keystore.certificate.chain and ssl.keystore.key go together',
      );
    ssl.cert = kc.value;
    ssl.key = kk.value;
    if (kp.value) ssl.keyPassword = kp.value;
  } else if (kl.value) {
    const store = readStore('keystore', kl, cv('ssl.keystore.type'), cv('ssl.keystore.password'), kp);
    ssl.cert = store.certs;
    ssl.key = store.key;
    if (store.keyPassword) ssl.keyPassword = store.keyPassword;
  }
  return ssl;
}

/** Keys read by the engine beside `FLOW_KEYS`, `SYNC_KEYS` and `CLUSTER_KEYS`: the MM2 forms of Ferry keys. */
const MAPPED_TOP = new Set<string>([
  ...Object.values(MM2_EQUIVALENTS).flat(),
  ...Object.values(SYNC_EQUIVALENTS).flat(),
  'consumer.max.partition.fetch.bytes',
]);
const NOT_YET = new Set(NOT_YET_SUPPORTED);
const CLUSTER_KEY_SET = new Set<string>(CLUSTER_KEYS);

const CLIENT_WORDS: Record<string, string> = {
  consumer: "Ferry's fetcher sets its own consumer settings",
  producer: "Ferry's transactional producer sets its own producer settings",
  admin: "Ferry's admin client needs no settings beyond the cluster's",
  cluster: 'set the cluster keys as <alias>.<key> instead',
};

function clientReason(bare: string): string {
  const p = CLIENT_PREFIXES.find((x) => bare.startsWith(x))!;
  const what = p.endsWith('cluster.') ? 'cluster' : p.replace(/^(source|target)\./, '').replace(/\.$/, '');
  return CLIENT_WORDS[what] ?? 'ignored';
}

/** Every key the file sets that Ferry does not use, in words: unsupported (known to MM2) or unknown. */
export function classifyKeys(props: Map<string, string>, clusters: string[]): ConfigNotice[] {
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
    if (scope !== 'cluster' && (Object.hasOwn(FLOW_KEYS, bare) || Object.hasOwn(SYNC_KEYS, bare))) continue;
    if (scope !== 'cluster' && MAPPED_TOP.has(bare)) continue;
    if (scope === 'cluster' && bare === 'consumer.auto.offset.reset') continue;
    if (scope !== 'flow' && CLUSTER_KEY_SET.has(bare)) continue;
    if (CLIENT_PREFIXES.some((p) => bare.startsWith(p))) {
      notices.push({
        key,
        kind: 'unsupported',
        message: `${key}: a client override; ${clientReason(bare)}; ignored`,
      });
    } else if (NOT_YET.has(bare) || bare.startsWith('ssl.') || bare.startsWith('sasl.')) {
      notices.push({
        key,
        kind: 'unsupported',
        message: `${key}: an MM2 setting Ferry does not support yet; ignored`,
      });
    } else if (/^(offset|config|status)\.storage\.|^group\.id$|^(key|value|header)\.converter/.test(bare)) {
      notices.push({
        key,
        kind: 'unsupported',
        message: `${key}: a Kafka Connect setting; Ferry does not run on Connect; ignored`,
      });
    } else {
      notices.push({ key, kind: 'unknown', message: `${key}: not a known MM2 or Ferry setting; ignored` });
    }
  }
  return notices;
}

/** The Ferry defaults that differ from MM2's and that no key of the file (or its MM2 form) sets. */
export function unsetFerryDefaults(props: Map<string, string>): FerryDefault[] {
  const keys = [...props.keys()].map((k) => k.replace(/^[^.]+->[^.]+\./, ''));
  const set = new Set(keys);
  return FERRY_DEFAULTS.filter((d) => {
    if (set.has(d.key)) return false;
    const alt = (MM2_EQUIVALENTS as Record<string, readonly string[]>)[d.key] ?? [];
    return !alt.some((k) => set.has(k));
  });
}

function rejectIdentityCycles(flows: FlowConfig[]): void {
  const edge = (f: FlowConfig) => ({
    id: f.id,
    source: f.source.alias,
    target: f.target.alias,
    identity: f.policy.kind === 'identity',
  });
  for (const f of flows) {
    const cycle = identityCycle(edge(f), flows.filter((g) => g !== f).map(edge));
    if (cycle) {
      throw new ConfigError(
        'replication.policy.class',
        'IdentityReplicationPolicy',
        `${[f.id, ...cycle.map((e) => e.id)].join(' and ')} ${cycle.length === 1 ? 'both' : 'all'} run with the identity policy: records would loop; use DefaultReplicationPolicy for active/active`,
      );
    }
  }
}

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Kafka } from 'kafkajs';
import { kafkajsConfig } from './client-config.ts';
import {
  brokerJvmProperties,
  brokerProperties,
  type ClusterSpec,
  formatExtraArgs,
  loggingConfig,
  newClusterId,
  oauthPort,
  STACK_SCRAM_USERS,
} from './cluster-spec.ts';
import { ensureKafkaJars } from './jars.ts';
import { isOurProcess, stopProcess, waitFor } from './process.ts';
import {
  allocatePorts,
  type ClusterState,
  readState,
  type StackState,
  upsertCluster,
  writeState,
} from './state.ts';
import { ensureTlsMaterial } from './tls.ts';
import { resolveKafkaVersion } from './versions.ts';

export interface StackOptions {
  /** Where state, broker data and logs live. Default: `<repo>/.ferry/stack` or $FERRY_STACK_DIR. */
  stateDir: string;
  /** Where Maven-fetched jars are cached. Default: `<repo>/.cache/jars` or $FERRY_JAR_CACHE. */
  cacheDir: string;
  /** First client port. east = base, west = base+10, others from base+20 in steps of 10. */
  portBase: number;
  /** Broker JVM heap, e.g. "768m". */
  heap: string;
  onProgress?: (msg: string) => void;
}

export class PortTakenError extends Error {
  readonly code = 'PORT_TAKEN';
}

export class BrokerStartError extends Error {
  readonly code = 'BROKER_START_FAILED';
  /**
   * How the JVM ended when it died before the broker answered ("exit code 1", "killed by SIGKILL"); undefined for
   * a timeout or a bad configuration found before the start.
   */
  readonly ended: string | undefined;
  constructor(message: string, ended?: string) {
    super(message);
    this.ended = ended;
  }
}

/** How often a broker whose JVM dies during start-up is started again before the stack gives up. */
const START_ATTEMPTS = 3;

export function repoRoot(): string {
  let dir = resolve(import.meta.dirname);
  while (!existsSync(join(dir, 'turbo.json'))) {
    const up = resolve(dir, '..');
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

export function defaultStackOptions(overrides: Partial<StackOptions> = {}): StackOptions {
  const root = repoRoot();
  return {
    stateDir: process.env.FERRY_STACK_DIR ?? join(root, '.ferry', 'stack'),
    cacheDir: process.env.FERRY_JAR_CACHE ?? join(root, '.cache', 'jars'),
    portBase: Number(process.env.FERRY_STACK_PORT_BASE ?? 19092),
    heap: process.env.FERRY_BROKER_HEAP ?? '768m',
    ...overrides,
  };
}

const stateFile = (o: StackOptions) => join(o.stateDir, 'state.json');
const markerFor = (o: StackOptions, name: string) => `-Dferry.stack=${resolve(o.stateDir)}/${name}`;

function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

export function stackStatus(o: StackOptions): Array<ClusterState & { running: boolean }> {
  return readState(stateFile(o)).clusters.map((c) => ({
    ...c,
    running: isOurProcess(c.pid, markerFor(o, c.name)),
  }));
}

async function answersMetadata(cluster: ClusterState): Promise<boolean> {
  const admin = new Kafka({
    ...kafkajsConfig(cluster, 'ferry-stack-ready'),
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
  }).admin();
  try {
    await admin.connect();
    const d = await admin.describeCluster();
    return d.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function logTail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

async function assertPortsFree(c: ClusterState): Promise<void> {
  const ports: Array<[number, string]> = [
    [c.ports.client, 'client'],
    [c.ports.controller, 'controller'],
  ];
  if (c.security !== 'PLAINTEXT') ports.push([c.ports.internal, 'internal']);
  if (c.oauthbearer) ports.push([oauthPort(c.ports), 'oauth']);
  for (const [port, what] of ports) {
    if (!(await portFree(port))) {
      throw new PortTakenError(
        `port ${port} (${what} listener of cluster ${c.name}) is taken by another process. ` +
          `Stop that process (ss -ltnp 'sport = :${port}') or choose other ports with --port-base.`,
      );
    }
  }
}

async function startBroker(o: StackOptions, c: ClusterState, lib: string): Promise<ClusterState> {
  const marker = markerFor(o, c.name);
  const log = loggingConfig(c.kafkaVersion);
  const logFile = join(c.dir, 'server.log');
  const fd = openSync(logFile, 'a');
  const child = spawn(
    'java',
    [
      `-Xms256m`,
      `-Xmx${o.heap}`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      marker,
      log.jvmFlag(join(c.dir, log.file)),
      `-Dkafka.logs.dir=${c.dir}`,
      ...brokerJvmProperties(c),
      '-cp',
      `${lib}/*`,
      'kafka.Kafka',
      join(c.dir, 'server.properties'),
    ],
    { detached: true, stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  // how the JVM ended, when it does during start-up (a signal with an empty log: killed from outside, e.g. by
  // the kernel's OOM killer)
  let ended = 'its exit status is unknown';
  const exited = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      ended = signal ? `killed by ${signal}` : `exit code ${code}`;
      r();
    }),
  );
  child.unref();
  const started = { ...c, pid: child.pid ?? null, startedAt: new Date().toISOString() };
  try {
    await waitFor(
      async () => {
        if (!isOurProcess(started.pid, marker)) {
          await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
          const tail = logTail(logFile).trim();
          throw new BrokerStartError(
            `broker ${c.name} exited during start-up (${ended}). ` +
              (tail ? `Last lines of ${logFile}:\n${tail}` : `${logFile} is empty.`),
            ended,
          );
        }
        return answersMetadata(started);
      },
      { timeoutMs: 120_000, intervalMs: 300, what: `cluster ${c.name} to answer Metadata` },
    );
  } catch (e) {
    if (started.pid) await stopProcess(started.pid, marker, 3000).catch(() => {});
    throw e;
  }
  return started;
}

/** Creates (once) the data folder, config and KRaft storage of a cluster. */
function prepareCluster(o: StackOptions, spec: ClusterSpec, state: StackState, lib: string): ClusterState {
  const existing = state.clusters.find((c) => c.name === spec.name);
  const dir = join(o.stateDir, spec.name);
  if (existing && existsSync(join(dir, 'data', 'meta.properties'))) {
    if (existing.kafkaVersion !== spec.kafkaVersion || existing.security !== spec.security) {
      throw new BrokerStartError(
        `cluster ${spec.name} already exists as Kafka ${existing.kafkaVersion} ${existing.security}; ` +
          `run ferry stack down --purge ${spec.name} first to recreate it as ${spec.kafkaVersion} ${spec.security}`,
      );
    }
    return existing;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const ports = allocatePorts(state, spec.name, o.portBase);
  const tls = spec.security === 'SSL' ? ensureTlsMaterial(join(o.stateDir, 'tls')) : undefined;
  writeFileSync(
    join(dir, 'server.properties'),
    brokerProperties({ spec, ports, logDir: join(dir, 'data'), tls }),
  );
  const log = loggingConfig(spec.kafkaVersion);
  writeFileSync(join(dir, log.file), log.text);
  const clusterId = newClusterId(randomBytes);
  const fmt = spawnSync(
    'java',
    [
      '-Xmx256m',
      log.jvmFlag(join(dir, log.file)),
      '-cp',
      `${lib}/*`,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      join(dir, 'server.properties'),
      '--ignore-formatted',
      ...formatExtraArgs(spec),
    ],
    { encoding: 'utf8' },
  );
  if (fmt.status !== 0) {
    throw new BrokerStartError(
      `formatting storage of cluster ${spec.name} failed:\n${fmt.stdout}\n${fmt.stderr}`,
    );
  }
  const su = STACK_SCRAM_USERS[0];
  return {
    name: spec.name,
    kafkaVersion: spec.kafkaVersion,
    security: spec.security,
    ports,
    bootstrap: `127.0.0.1:${ports.client}`,
    internalBootstrap: `127.0.0.1:${spec.security === 'PLAINTEXT' ? ports.client : ports.internal}`,
    clusterId,
    dir,
    pid: null,
    startedAt: null,
    ...(tls ? { caPem: tls.caCert } : {}),
    ...(spec.oauthbearer
      ? { oauthbearer: { ...spec.oauthbearer, bootstrap: `127.0.0.1:${oauthPort(ports)}` } }
      : {}),
    ...(spec.security === 'SASL_PLAINTEXT'
      ? { sasl: { mechanism: 'scram-sha-512' as const, username: su.username, password: su.password } }
      : {}),
  };
}

/** Brings up the clusters (idempotent: running ones are left alone). Starts them in parallel. */
export async function stackUp(o: StackOptions, specs: ClusterSpec[]): Promise<ClusterState[]> {
  const progress = o.onProgress ?? (() => {});
  mkdirSync(o.stateDir, { recursive: true });
  const libs = new Map<string, string>();
  for (const v of new Set(specs.map((s) => s.kafkaVersion))) {
    libs.set(v, await ensureKafkaJars(o.cacheDir, resolveKafkaVersion(v), progress));
  }
  let state = readState(stateFile(o));
  const toStart: ClusterState[] = [];
  for (const spec of specs) {
    const current = state.clusters.find((c) => c.name === spec.name);
    if (current && isOurProcess(current.pid, markerFor(o, spec.name))) {
      progress(`${spec.name}: already running (pid ${current.pid}) on ${current.bootstrap}`);
      continue;
    }
    const prepared = prepareCluster(o, spec, state, libs.get(spec.kafkaVersion)!);
    state = upsertCluster(state, prepared);
    toStart.push(prepared);
  }
  writeState(stateFile(o), state);
  // Check every port before starting anything, so a conflict starts nothing.
  for (const c of toStart) await assertPortsFree(c);
  const results = await Promise.allSettled(
    toStart.map(async (c) => {
      progress(`${c.name}: starting Kafka ${c.kafkaVersion} (${c.security}) on ${c.bootstrap}…`);
      const t0 = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          const started = await startBroker(o, c, libs.get(c.kafkaVersion)!);
          progress(`${c.name}: ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
          return started;
        } catch (e) {
          // a JVM that dies during start-up is started again (seen once in CI: a death with an empty log); a
          // timeout, or a death on every attempt (a bad configuration, say), is reported
          if (!(e instanceof BrokerStartError && e.ended) || attempt >= START_ATTEMPTS) throw e;
          progress(
            `${c.name}: exited during start-up (${e.ended}); starting it again (attempt ${attempt + 1} of ${START_ATTEMPTS})…`,
          );
        }
      }
    }),
  );
  state = readState(stateFile(o));
  const errors: string[] = [];
  for (const r of results) {
    if (r.status === 'fulfilled') state = upsertCluster(state, r.value);
    else errors.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
  }
  writeState(stateFile(o), state);
  if (errors.length > 0) throw new BrokerStartError(errors.join('\n'));
  const names = new Set(specs.map((s) => s.name));
  return state.clusters.filter((c) => names.has(c.name));
}

/** Stops the named clusters (all when none named), only processes this stack started. `purge` deletes data. */
export async function stackDown(o: StackOptions, names: string[] = [], purge = false): Promise<string[]> {
  const state = readState(stateFile(o));
  const targets = state.clusters.filter((c) => names.length === 0 || names.includes(c.name));
  const unknown = names.filter((n) => !state.clusters.some((c) => c.name === n));
  if (unknown.length) throw new Error(`no such stack cluster: ${unknown.join(', ')}`);
  await Promise.all(
    targets.map(async (c) => {
      if (c.pid) await stopProcess(c.pid, markerFor(o, c.name));
    }),
  );
  let next = {
    ...state,
    clusters: state.clusters.map((c) => (targets.includes(c) ? { ...c, pid: null, startedAt: null } : c)),
  };
  if (purge) {
    for (const c of targets) rmSync(c.dir, { recursive: true, force: true });
    next = { ...next, clusters: next.clusters.filter((c) => !targets.some((t) => t.name === c.name)) };
  }
  writeState(stateFile(o), next);
  return targets.map((c) => c.name);
}

/** Stops and starts one cluster, keeping its data (for fault tests). */
export async function stackRestart(
  o: StackOptions,
  name: string,
  /** `downMs`: how long the broker stays stopped before it starts again (an outage, not only a restart). */
  { kill = false, downMs = 0 }: { kill?: boolean; downMs?: number } = {},
): Promise<ClusterState> {
  const state = readState(stateFile(o));
  const c = state.clusters.find((x) => x.name === name);
  if (!c) throw new Error(`no such stack cluster: ${name}`);
  const marker = markerFor(o, name);
  if (c.pid && isOurProcess(c.pid, marker)) {
    if (kill) {
      process.kill(c.pid, 'SIGKILL');
      await waitFor(() => !isOurProcess(c.pid, marker), { timeoutMs: 5000, what: `${name} to die` });
    } else await stopProcess(c.pid, marker);
  }
  if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
  const lib = await ensureKafkaJars(o.cacheDir, resolveKafkaVersion(c.kafkaVersion), o.onProgress);
  await assertPortsFree(c);
  const started = await startBroker(o, c, lib);
  writeState(stateFile(o), upsertCluster(readState(stateFile(o)), started));
  return started;
}

export function stackLogPath(o: StackOptions, name: string): string {
  const c = readState(stateFile(o)).clusters.find((x) => x.name === name);
  if (!c) throw new Error(`no such stack cluster: ${name}`);
  return join(c.dir, 'server.log');
}

export function stackCluster(o: StackOptions, name: string): ClusterState {
  const c = readState(stateFile(o)).clusters.find((x) => x.name === name);
  if (!c) {
    throw new Error(
      `stack cluster ${name} is not up (state: ${stateFile(o)}); run: npx ferry stack up --clusters ${name}`,
    );
  }
  return c;
}

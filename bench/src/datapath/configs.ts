// The configuration each system runs with: pure, so the tests can read what the benchmark will write.

export interface Pair {
  /** Source alias: the prefix of the remote topic, unique per system and run so no run resumes another. */
  alias: string;
  sourceBootstrap: string;
  targetAlias: string;
  targetBootstrap: string;
  topics: string[];
  tasks: number;
}

/**
 * `ferry run`'s mm2.properties: Ferry's defaults (exactly once) and the same tasks.max as MM2. `exactlyOnce:
 * false` (the `ferry-alo` system) runs Ferry at-least-once, the guarantee MM2 runs with by default.
 */
export function ferryProperties(p: Pair, o: { exactlyOnce?: boolean } = {}): string {
  return lines([
    `clusters = ${p.alias}, ${p.targetAlias}`,
    `${p.alias}.bootstrap.servers = ${p.sourceBootstrap}`,
    `${p.targetAlias}.bootstrap.servers = ${p.targetBootstrap}`,
    `${p.alias}->${p.targetAlias}.enabled = true`,
    `topics = ${p.topics.join(', ')}`,
    `tasks.max = ${p.tasks}`,
    `exactly.once = ${o.exactlyOnce ?? true}`,
    'refresh.topics.enabled = false',
    'emit.checkpoints.enabled = false',
  ]);
}

/**
 * MirrorMaker 2 tuned for throughput the way its users are told to: a bigger producer batch with a linger, no
 * compression on the way out, bigger consumer fetches. In dedicated mode the task producer takes
 * `<target>.producer.*` and the replication consumer `<source>.consumer.*` (checked against
 * MirrorMakerConfig 4.3.1: top-level `producer.*` / `consumer.*` do not reach them).
 */
export const MM2_TUNING = {
  producer: {
    'linger.ms': '20',
    'batch.size': '524288',
    'compression.type': 'none',
    'buffer.memory': '134217728',
    'max.request.size': '4194304',
  },
  consumer: {
    'fetch.min.bytes': '262144',
    'fetch.max.wait.ms': '100',
    'fetch.max.bytes': '52428800',
    'max.partition.fetch.bytes': '4194304',
    'max.poll.records': '5000',
    'isolation.level': 'read_committed',
  },
} as const;

/**
 * `mm2-eos`: the same MirrorMaker 2 with exactly-once source support (Kafka 3.5+, KIP-618 for dedicated mode):
 * `<target>.exactly.once.source.support = enabled` for the target it writes to, and the workers' internal
 * REST server (KIP-710), which exactly-once needs in dedicated mode, on a free loopback port of the run's own.
 * The replication consumer already reads read_committed (MM2_TUNING). Everything else is `mm2`'s.
 */
export const MM2_EXACTLY_ONCE = {
  target: { 'exactly.once.source.support': 'enabled' },
  top: { 'dedicated.mode.enable.internal.rest': 'true' },
} as const;

/**
 * Start-up only, not the data path. `plugin.discovery = service_load`: Connect finds its plugins through their
 * ServiceLoader manifests instead of scanning the whole classpath by reflection, which MM2 4.3.1 did three
 * times per start (once for MirrorMaker, once per herder; 3–4 s each here, ~11 s of an 18 s start-up) and then
 * logged "All plugins have ServiceLoader manifests, consider reconfiguring plugin.discovery=service_load".
 * `<target>-><source>.emit.heartbeats.enabled = false`: no herder for the reverse pair, whose only job was the
 * heartbeats of a flow that is not enabled (MM2 creates a herder for every pair with heartbeats on); `ferry run`
 * emits heartbeats for the enabled flow only, which MM2 still does (its alias->target herder's heartbeat
 * connector).
 */
export const MM2_STARTUP = {
  /** MirrorMaker's own scan reads the top level, each herder's worker its target cluster's `<target>.` prefix. */
  top: { 'plugin.discovery': 'service_load' },
  target: { 'plugin.discovery': 'service_load' },
  reversePair: { 'emit.heartbeats.enabled': 'false' },
} as const;

/** MM2_STARTUP as the properties MirrorMaker reads, for a pair `source` -> `target` (aliases or placeholders). */
function mm2StartupSettings(source: string, target: string): Array<[string, string]> {
  return [
    ...Object.entries(MM2_STARTUP.top),
    ...Object.entries(MM2_STARTUP.target).map(([k, v]): [string, string] => [`${target}.${k}`, v]),
    ...Object.entries(MM2_STARTUP.reversePair).map(([k, v]): [string, string] => [
      `${target}->${source}.${k}`,
      v,
    ]),
  ];
}

export interface Mm2Options {
  /** Exactly-once source support, with the internal REST server listening on this loopback port. */
  exactlyOnce?: { restPort: number };
}

/** One line per setting, for the table's "settings" note. */
export function mm2TuningSummary(tasks: number): string {
  const p = Object.entries(MM2_TUNING.producer).map(([k, v]) => `producer ${k}=${v}`);
  const c = Object.entries(MM2_TUNING.consumer).map(([k, v]) => `consumer ${k}=${v}`);
  const st = mm2StartupSettings('<source>', '<target>').map(([k, v]) => `${k}=${v}`);
  return [`tasks.max=${tasks}`, ...p, ...c, ...st].join(', ');
}

/** What `mm2-eos` adds to `mm2`'s settings. */
export function mm2ExactlyOnceSummary(): string {
  return [
    ...Object.entries(MM2_EXACTLY_ONCE.target).map(([k, v]) => `<target>.${k}=${v}`),
    ...Object.entries(MM2_EXACTLY_ONCE.top).map(([k, v]) => `${k}=${v}`),
    'listeners=http://127.0.0.1:<free port>',
  ].join(', ');
}

export function mm2Properties(p: Pair, o: Mm2Options = {}): string {
  return lines([
    `clusters = ${p.alias}, ${p.targetAlias}`,
    `${p.alias}.bootstrap.servers = ${p.sourceBootstrap}`,
    `${p.targetAlias}.bootstrap.servers = ${p.targetBootstrap}`,
    `${p.alias}->${p.targetAlias}.enabled = true`,
    `${p.targetAlias}->${p.alias}.enabled = false`,
    `topics = ${p.topics.join(', ')}`,
    `tasks.max = ${p.tasks}`,
    'replication.factor = 1',
    'offset-syncs.topic.replication.factor = 1',
    'checkpoints.topic.replication.factor = 1',
    'heartbeats.topic.replication.factor = 1',
    'config.storage.replication.factor = 1',
    'offset.storage.replication.factor = 1',
    'status.storage.replication.factor = 1',
    'emit.checkpoints.enabled = false',
    'sync.topic.acls.enabled = false',
    'sync.topic.configs.enabled = false',
    'refresh.groups.enabled = false',
    'refresh.topics.enabled = false',
    ...mm2StartupSettings(p.alias, p.targetAlias).map(([k, v]) => `${k} = ${v}`),
    ...Object.entries(MM2_TUNING.producer).map(([k, v]) => `${p.targetAlias}.producer.${k} = ${v}`),
    ...Object.entries(MM2_TUNING.consumer).map(([k, v]) => `${p.alias}.consumer.${k} = ${v}`),
    ...(o.exactlyOnce
      ? [
          ...Object.entries(MM2_EXACTLY_ONCE.target).map(([k, v]) => `${p.targetAlias}.${k} = ${v}`),
          ...Object.entries(MM2_EXACTLY_ONCE.top).map(([k, v]) => `${k} = ${v}`),
          `listeners = http://127.0.0.1:${o.exactlyOnce.restPort}`,
        ]
      : []),
  ]);
}

/** Kafka's ProducerPerformance into the target: the same records, a producer tuned for throughput. */
export function producerPerformanceArgs(o: {
  bootstrap: string;
  topic: string;
  records: number;
  recordBytes: number;
  compression: string;
  transactional: boolean;
}): string[] {
  return [
    '--topic',
    o.topic,
    '--num-records',
    String(o.records),
    '--record-size',
    String(o.recordBytes),
    '--throughput',
    '-1',
    ...(o.transactional ? ['--transaction-duration-ms', '100'] : []),
    '--producer-props',
    `bootstrap.servers=${o.bootstrap}`,
    'acks=all',
    'linger.ms=10',
    'batch.size=262144',
    `compression.type=${o.compression}`,
    ...(o.transactional ? [`transactional.id=bench-raw-${o.topic}`] : []),
  ];
}

export interface PerfLine {
  records: number;
  recordsPerSec: number;
  mibPerSec: number;
}

/** ProducerPerformance's final line: "N records sent, R records/sec (M MB/sec), ..." (MB there is MiB). */
export function parseProducerPerformance(out: string): PerfLine | undefined {
  const all = [...out.matchAll(/(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/g)];
  const m = all.at(-1);
  if (!m) return undefined;
  return { records: Number(m[1]), recordsPerSec: Number(m[2]), mibPerSec: Number(m[3]) };
}

function lines(l: string[]): string {
  return `${l.join('\n')}\n`;
}

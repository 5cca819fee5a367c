// The data-path benchmark's scenarios (issue #10). Pure data. Volumes are chosen so that a catch-up lasts
// seconds on a quiet 2-core machine (the brokers' limit there is ~120-140 MiB/s of 1 KiB records), i.e. a
// hundred or more of the catch-up clock's 20 ms polls, while `npm run bench -- all` (6 scenarios x 4 systems
// x 3 runs) stays within 25 minutes: most of that is fixed cost (MM2's JVM start-up, the web app's, the
// latency phases), see the report's "where the wall time went".

export type Compression = 'none' | 'lz4';

export interface Scenario {
  name: string;
  title: string;
  /** Catch-up volume in MiB of record values (records = volume / recordBytes). */
  volumeMiB: number;
  recordBytes: number;
  partitions: number;
  compression: Compression;
  /** > 0: keys "k<i % keySpace>" and a compacted source topic, compacted before the runs (the rebuild path). */
  keySpace: number;
  /** > 0: a transactional source, one transaction per txnRecords records. */
  txnRecords: number;
  /** Every abortEvery-th source transaction is aborted (0: none). */
  abortEvery: number;
  /** Records per second for the end-to-end latency phase. */
  latencyRate: number;
  /** Source topic configs. */
  topicConfig: Record<string, string>;
}

const base = {
  recordBytes: 1024,
  partitions: 16,
  compression: 'none',
  keySpace: 0,
  txnRecords: 0,
  abortEvery: 0,
  latencyRate: 2000,
  topicConfig: {},
} as const satisfies Partial<Scenario>;

export const SCENARIOS: Scenario[] = [
  { ...base, name: '1k', title: '1 KiB records x 16 partitions', volumeMiB: 400 },
  {
    ...base,
    name: 'small',
    title: '100-byte records x 16 partitions',
    volumeMiB: 60,
    recordBytes: 100,
    latencyRate: 5000,
  },
  {
    ...base,
    name: 'lz4',
    title: 'lz4-compressed 1 KiB records x 16 partitions',
    volumeMiB: 400,
    compression: 'lz4',
  },
  {
    ...base,
    name: '1000p',
    title: '1,000 partitions, light traffic (1 KiB)',
    volumeMiB: 60,
    partitions: 1000,
    latencyRate: 1000,
  },
  {
    ...base,
    name: 'compacted',
    title: 'compacted topic, 1 KiB (rebuild path)',
    volumeMiB: 200,
    keySpace: 80_000,
    latencyRate: 1000,
    topicConfig: {
      'cleanup.policy': 'compact',
      'segment.bytes': '1048576',
      'min.cleanable.dirty.ratio': '0.01',
      'min.compaction.lag.ms': '0',
      'delete.retention.ms': '1000',
    },
  },
  {
    ...base,
    name: 'txn',
    title: 'transactional source, 1 KiB, 1,000 records per transaction, 1 in 10 aborted',
    volumeMiB: 400,
    txnRecords: 1000,
    abortEvery: 10,
  },
];

export function scenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s)
    throw new Error(`unknown scenario "${name}": one of ${SCENARIOS.map((x) => x.name).join(', ')} or all`);
  return s;
}

/** Records a scenario seeds for a volume in MiB. */
export function recordsFor(s: Pick<Scenario, 'recordBytes'>, volumeMiB: number): number {
  return Math.max(1, Math.round((volumeMiB * 1048576) / s.recordBytes));
}

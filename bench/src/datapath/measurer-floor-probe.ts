// The latency measurer alone, no replicator (docs/benchmarks.md, "p99 latency"): BenchTool's fixed-rate latency
// phase producing into and reading from the same 16-partition topic of one cluster (1 KiB records, linger 0,
// acks all, read_committed consumer, now − CreateTime). What a replicated record's latency can never go under
// on this machine at this load: one produce and one fetch, both of the measuring JVM. One JSON line per run.
//   node bench/src/datapath/measurer-floor-probe.ts [cluster=west] [rate=2000] [seconds=10] [warmup=3] [runs=1]
import { loadavg } from 'node:os';
import { testCluster } from '@ferry/testkit/vitest';
import { measureLatency } from './java.ts';
import { closeAdmins, createTopic, deleteTopicsContaining } from './kafka-admin.ts';

const [cluster = 'west', ...rest] = process.argv.slice(2);
const [rate = 2000, seconds = 10, warmup = 3, runs = 1] = rest.map(Number);
const bootstrap = testCluster(cluster).bootstrap;
for (let run = 0; run < runs; run++) {
  const topic = `floor-${Date.now().toString(36)}`;
  await createTopic(cluster, topic, 16, {});
  const load = loadavg()[0]!;
  const r = await measureLatency({
    sourceBootstrap: bootstrap,
    sourceTopic: topic,
    targetBootstrap: bootstrap,
    targetTopic: topic,
    partitions: 16,
    rate,
    seconds,
    recordBytes: 1024,
    compression: 'none',
    transactional: false,
    warmupSeconds: warmup,
  });
  console.log(JSON.stringify({ cluster, rate, seconds, warmup, ...r, load: [load, loadavg()[0]] }));
  await deleteTopicsContaining(cluster, topic);
}
await closeAdmins();
process.exit(0);

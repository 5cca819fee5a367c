// The real MirrorMaker 2 (connect-mirror from Maven Central, dedicated mode) on the same workload, for comparison.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultStackOptions, ensureJars, kafkajsConfig } from '@ferry/testkit';
import { testCluster } from '@ferry/testkit/vitest';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

export interface Mm2Result {
  totalSeconds: number;
  steadySeconds: number;
}

async function remoteCount(target: string, topic: string): Promise<number> {
  const admin = new Kafka({
    ...kafkajsConfig(testCluster(target), 'ferry-bench'),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function runMm2(
  source: string,
  target: string,
  topic: string,
  records: number,
  version = '4.3.1',
): Promise<Mm2Result> {
  const lib = await ensureJars(
    defaultStackOptions().cacheDir,
    `connect-mirror-${version}`,
    [`org.apache.kafka:connect-mirror:${version}`],
    (m) => process.stderr.write(`bench: ${m}\n`),
  );
  const dir = mkdtempSync(join(tmpdir(), 'mm2-bench-'));
  const file = join(dir, 'mm2.properties');
  writeFileSync(
    file,
    [
      `clusters = ${source}, ${target}`,
      `${source}.bootstrap.servers = ${testCluster(source).bootstrap}`,
      `${target}.bootstrap.servers = ${testCluster(target).bootstrap}`,
      `${source}->${target}.enabled = true`,
      `topics = ${topic}`,
      'tasks.max = 1',
      'replication.factor = 1',
      'offset-syncs.topic.replication.factor = 1',
      'checkpoints.topic.replication.factor = 1',
      'heartbeats.topic.replication.factor = 1',
      'config.storage.replication.factor = 1',
      'offset.storage.replication.factor = 1',
      'status.storage.replication.factor = 1',
      'emit.checkpoints.enabled = false',
      'sync.topic.acls.enabled = false',
      'refresh.groups.enabled = false',
    ].join('\n'),
  );
  const started = performance.now();
  const child = spawn(
    'java',
    ['-Xmx768m', '-cp', join(lib, '*'), 'org.apache.kafka.connect.mirror.MirrorMaker', file],
    { stdio: 'ignore' },
  );
  const remote = `${source}.${topic}`;
  let first = 0;
  try {
    for (;;) {
      const n = await remoteCount(target, remote).catch(() => 0);
      if (n > 0 && first === 0) first = performance.now();
      if (n >= records) break;
      if (child.exitCode !== null) throw new Error(`MirrorMaker exited with ${child.exitCode}`);
      if (performance.now() - started > 600_000) throw new Error('MirrorMaker did not finish in 10 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    child.kill('SIGKILL');
  }
  const end = performance.now();
  return { totalSeconds: (end - started) / 1000, steadySeconds: (end - first) / 1000 };
}

// Client spike (ADR 0001): seed a source topic with 1 KiB records, then time a replication loop.

import { kafkajsConfig } from '@ferry/testkit';
import { testCluster } from '@ferry/testkit/vitest';
import { Kafka, logLevel } from 'kafkajs';

export const RECORDS = Number(process.env.SPIKE_RECORDS ?? 100_000);
export const PARTITIONS = 6;

export async function seed(source: string, topic: string): Promise<void> {
  const kafka = new Kafka({ ...kafkajsConfig(testCluster(source)), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const p = kafka.producer();
  await p.connect();
  const value = Buffer.alloc(1024, 'x');
  for (let i = 0; i < RECORDS; i += 5000) {
    await p.send({
      topic,
      acks: 1,
      messages: Array.from({ length: 5000 }, (_, j) => ({
        key: String(i + j),
        value,
        partition: (i + j) % PARTITIONS,
      })),
    });
  }
  await p.disconnect();
}

export function report(name: string, t0: number, cpu0: NodeJS.CpuUsage, n: number): void {
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    `${JSON.stringify({ client: name, records: n, seconds: +s.toFixed(2), recordsPerSec: Math.round(n / s), mbPerSec: +((n * 1024) / s / 1048576).toFixed(2), cpuSeconds: +cpuS.toFixed(2), cpuPct: Math.round((100 * cpuS) / s) })}\n`,
  );
}

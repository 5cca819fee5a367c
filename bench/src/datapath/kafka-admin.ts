// Topic set-up and the target's high watermarks, through kafkajs's admin client (control path only: the
// records themselves are written and read by the Java client).
import { kafkajsConfig, waitFor } from '@ferry/testkit';
import { testCluster } from '@ferry/testkit/vitest';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
type Admin = ReturnType<InstanceType<typeof Kafka>['admin']>;

const admins = new Map<string, Admin>();

export async function admin(cluster: string): Promise<Admin> {
  let a = admins.get(cluster);
  if (!a) {
    a = new Kafka({
      ...kafkajsConfig(testCluster(cluster), 'ferry-bench'),
      logLevel: logLevel.NOTHING,
    }).admin();
    await a.connect();
    admins.set(cluster, a);
  }
  return a;
}

export async function closeAdmins(): Promise<void> {
  for (const a of [...admins.values(), ...pollers.values()]) await a.disconnect().catch(() => {});
  admins.clear();
  pollers.clear();
}

export async function createTopic(
  cluster: string,
  topic: string,
  partitions: number,
  config: Record<string, string> = {},
): Promise<void> {
  const a = await admin(cluster);
  await a.createTopics({
    topics: [
      {
        topic,
        numPartitions: partitions,
        replicationFactor: 1,
        configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
      },
    ],
    waitForLeaders: false,
  });
  await waitFor(() => topicReady(cluster, topic, partitions), { timeoutMs: 60_000, what: `${topic} led` });
}

/** Sum of the topic's high watermarks; 0 while it does not exist. */
export async function highWatermarks(cluster: string, topic: string): Promise<number> {
  try {
    const offsets = await (await admin(cluster)).fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high), 0);
  } catch {
    return 0;
  }
}

/** True once the topic exists with all its partitions led. */
export async function topicReady(cluster: string, topic: string, partitions: number): Promise<boolean> {
  try {
    const offsets = await (await admin(cluster)).fetchTopicOffsets(topic);
    return offsets.length >= partitions && offsets.every((o) => Number(o.high) >= 0);
  } catch {
    return false;
  }
}

/** Deletes the topics whose names contain `fragment` (a run's unique alias or tag). */
export async function deleteTopicsContaining(cluster: string, fragment: string): Promise<void> {
  const a = await admin(cluster);
  const topics = (await a.listTopics()).filter((t) => t.includes(fragment));
  if (topics.length > 0) await a.deleteTopics({ topics, timeout: 60_000 }).catch(() => {});
}

const pollers = new Map<string, Admin>();

/**
 * Sum of the topic's high watermarks on an admin connection of its own with no retries (a topic not there yet
 * reads 0 at once instead of after kafkajs's back-off), for the catch-up clock's ~20 ms polls. kafkajs keeps
 * the metadata it read (5 min): read while the topic was being created (no partitions, no leaders yet), it
 * would hide the topic for that long, so any error or a partition count short of `partitions` drops the
 * connection and the next poll starts afresh.
 */
export async function pollWatermarks(cluster: string, topic: string, partitions = 1): Promise<number> {
  let a = pollers.get(cluster);
  if (!a) {
    a = new Kafka({
      ...kafkajsConfig(testCluster(cluster), 'ferry-bench-poll'),
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
    await a.connect();
    pollers.set(cluster, a);
  }
  try {
    const offsets = await a.fetchTopicOffsets(topic);
    if (offsets.length < partitions) throw new Error('not all partitions yet');
    return offsets.reduce((n, o) => n + Number(o.high), 0);
  } catch {
    pollers.delete(cluster);
    await a.disconnect().catch(() => {});
    return 0;
  }
}

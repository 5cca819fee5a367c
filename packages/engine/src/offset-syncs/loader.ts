import type { Admin } from 'kafkajs';

/** Creates an internal topic when missing: one partition, compacted (Ferry syncs, MM2 checkpoints and heartbeats). */
export async function ensureCompactedTopic(
  admin: Admin,
  topic: string,
  replicationFactor = -1,
): Promise<void> {
  const existing = await admin.listTopics();
  if (existing.includes(topic)) return;
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      waitForLeaders: true,
    });
  } catch (e) {
    if ((e as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return;
    throw e;
  }
}

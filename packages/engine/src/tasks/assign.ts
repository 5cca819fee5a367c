export interface TopicPartition {
  topic: string;
  partition: number;
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}:${tp.partition}`;
}

/** Stable order: by topic name, then partition number. */
export function sortPartitions(tps: TopicPartition[]): TopicPartition[] {
  return [...tps].sort((a, b) =>
    a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
  );
}

/**
 * Splits a flow's source partitions into at most `tasksMax` tasks, deterministically: the same set of
 * partitions always gives the same tasks, whatever order they are listed in. Partitions are sorted and dealt
 * round-robin (like MM2's `MirrorSourceConnector.taskConfigs`), so the partitions of one topic spread over
 * tasks and every task gets within one partition of the same load. No task is empty: fewer partitions than
 * `tasksMax` gives fewer tasks.
 */
export function assignPartitions(tps: TopicPartition[], tasksMax: number): TopicPartition[][] {
  if (!Number.isInteger(tasksMax) || tasksMax < 1)
    throw new RangeError(`tasksMax must be a positive integer, got ${tasksMax}`);
  const unique = new Map(tps.map((tp) => [tpKey(tp), tp]));
  const sorted = sortPartitions([...unique.values()]);
  const n = Math.min(tasksMax, sorted.length);
  const tasks: TopicPartition[][] = Array.from({ length: n }, () => []);
  sorted.forEach((tp, i) => {
    tasks[i % n]!.push(tp);
  });
  return tasks;
}

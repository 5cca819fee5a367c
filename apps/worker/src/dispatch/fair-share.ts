/**
 * How many tasks one worker may run so that tasks spread evenly over the live workers: every worker gets
 * floor(total / live), and the first (total mod live) workers in id order one more, so the shares add up
 * to exactly `total` (6 tasks on 4 workers: 2, 2, 1, 1). Each worker computes its own share from the same
 * live list, with no coordinator. A worker not in the list (it just joined) is counted as the last one.
 */
export function fairShare(totalTasks: number, liveWorkers: string[], self: string): number {
  if (totalTasks <= 0) return 0;
  const workers = liveWorkers.includes(self) ? [...liveWorkers].sort() : [...[...liveWorkers].sort(), self];
  const rank = workers.indexOf(self);
  return Math.floor(totalTasks / workers.length) + (rank < totalTasks % workers.length ? 1 : 0);
}

/** Which of the running task ids to give back: the most recently started beyond the share. */
export function tasksToRelease(running: Array<{ id: string; startedAt: number }>, share: number): string[] {
  if (running.length <= share) return [];
  return [...running]
    .sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id))
    .slice(share)
    .map((t) => t.id);
}

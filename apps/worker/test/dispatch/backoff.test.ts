import { describe, expect, it } from 'vitest';
import { failuresSinceHealthy, taskRetryDelayMs } from '../../src/dispatch/backoff.ts';

describe('task retry back-off', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16_000],
    [6, 30_000],
    [60, 30_000],
    [0, 1000],
  ])('failure %i waits %i ms', (failures, ms) => {
    expect(taskRetryDelayMs(failures)).toBe(ms);
  });

  it.each([
    // attemptsMade (this failure included), job progress, failures that count
    [12, undefined, 12],
    [12, {}, 12],
    [12, { backoffFrom: 11 }, 1],
    [13, { backoffFrom: 11 }, 2],
    [3, { backoffFrom: 7 }, 3], // a progress from another life of the job id: ignored
    [4, 'garbage', 4],
  ])('attemptsMade %i with progress %j counts %i', (attempts, progress, want) => {
    expect(failuresSinceHealthy(attempts, progress)).toBe(want);
  });

  it('a task that failed 12 times, then ran healthily, waits the shortest delay on its next failure', () => {
    const lifetime = taskRetryDelayMs(failuresSinceHealthy(13, undefined));
    const reset = taskRetryDelayMs(failuresSinceHealthy(13, { backoffFrom: 12 }));
    expect(lifetime).toBe(30_000);
    expect(reset).toBe(1000);
  });
});

import { describe, expect, it } from 'vitest';
import { fairShare, tasksToRelease } from '../../src/dispatch/fair-share.ts';

describe('fairShare', () => {
  it.each([
    [6, ['a', 'b', 'c'], [2, 2, 2]],
    [6, ['a', 'b', 'c', 'd'], [2, 2, 1, 1]],
    [1, ['a', 'b'], [1, 0]],
    [0, ['a'], [0]],
    [5, ['b', 'a'], [3, 2]], // order of the live list does not matter: shares follow sorted ids
  ])('%i tasks on %j', (total, live, expected) => {
    const shares = [...live].sort().map((w) => fairShare(total, live, w));
    expect(shares).toEqual(expected);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
  });

  it('counts a worker missing from the live list as the last one', () => {
    expect(fairShare(3, ['a', 'b'], 'c')).toBe(1);
    expect(fairShare(2, ['a', 'b'], 'c')).toBe(0);
  });
});

describe('tasksToRelease', () => {
  const running = [
    { id: 'x', startedAt: 3 },
    { id: 'y', startedAt: 1 },
    { id: 'z', startedAt: 2 },
  ];
  it.each([
    [3, []],
    [5, []],
    [2, ['x']],
    [1, ['z', 'x']],
    [0, ['y', 'z', 'x']],
  ])('share %i releases %j (newest first kept last)', (share, expected) => {
    expect(tasksToRelease(running, share)).toEqual(expected);
  });
});

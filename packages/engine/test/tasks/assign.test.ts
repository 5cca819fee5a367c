import { describe, expect, it } from 'vitest';
import { assignPartitions, type TopicPartition } from '../../src/index.ts';

const tps = (spec: Record<string, number>): TopicPartition[] =>
  Object.entries(spec).flatMap(([topic, n]) =>
    Array.from({ length: n }, (_, partition) => ({ topic, partition })),
  );
const names = (tasks: TopicPartition[][]) => tasks.map((t) => t.map((tp) => `${tp.topic}-${tp.partition}`));

describe('assignPartitions', () => {
  it.each([
    [
      { a: 4 },
      2,
      [
        ['a-0', 'a-2'],
        ['a-1', 'a-3'],
      ],
    ],
    [{ a: 2 }, 5, [['a-0'], ['a-1']]],
    [{ b: 1, a: 2 }, 2, [['a-0', 'b-0'], ['a-1']]],
    [{ a: 3 }, 1, [['a-0', 'a-1', 'a-2']]],
    [{}, 3, []],
  ])('%j into %i tasks', (spec, max, want) => {
    expect(names(assignPartitions(tps(spec), max))).toEqual(want);
  });

  it('is deterministic whatever the input order, and drops duplicates', () => {
    const list = tps({ x: 5, y: 3, z: 7 });
    const shuffled = [...list].reverse().concat(list.slice(0, 3));
    expect(assignPartitions(shuffled, 4)).toEqual(assignPartitions(list, 4));
  });

  it('balances: task sizes differ by at most one', () => {
    const sizes = assignPartitions(tps({ x: 10, y: 7, z: 4 }), 4).map((t) => t.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes.reduce((a, b) => a + b)).toBe(21);
  });

  it.each([0, -1, 1.5])('rejects tasksMax=%s', (n) => {
    expect(() => assignPartitions(tps({ a: 1 }), n)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { discoveryFingerprint, flowFingerprint, planFlow, tasksMaxOf } from '../../src/reconcile/plan.ts';

const flow = (
  over: Partial<{
    enabled: boolean;
    generation: number;
    config: Record<string, unknown>;
    topology: { discoveredFor: string; partitions: Record<string, number> };
  }> = {},
) => ({
  id: 'f1',
  enabled: true,
  generation: 3,
  config: { topics: ['.*'], tasksMax: 2 },
  ...over,
});

describe('flowFingerprint', () => {
  it('ignores key order and sees every value', () => {
    expect(flowFingerprint({ a: 1, b: { c: 2, d: 3 } })).toBe(flowFingerprint({ b: { d: 3, c: 2 }, a: 1 }));
    expect(flowFingerprint({ a: 1 })).not.toBe(flowFingerprint({ a: 2 }));
  });
});

describe('tasksMaxOf', () => {
  it.each([
    [{}, 1],
    [{ tasksMax: 4 }, 4],
    [{ tasksMax: 0 }, 1],
    [{ tasksMax: 'x' }, 1],
    [{ tasksMax: 2.5 }, 1],
  ])('%j → %i', (config, n) => expect(tasksMaxOf(config)).toBe(n));
});

const topo = (
  config: Record<string, unknown>,
  partitions: Record<string, number> = { orders: 3, pay: 2 },
) => ({
  discoveredFor: discoveryFingerprint(config),
  partitions,
});
const base = { topics: ['.*'], tasksMax: 2 };
const withTopo = (config: Record<string, unknown> = base, partitions?: Record<string, number>) =>
  flow({ config, topology: topo(config, partitions) });

describe('discoveryFingerprint', () => {
  it.each([
    [
      'tasksMax does not need rediscovery',
      { topics: ['a'], tasksMax: 1 },
      { topics: ['a'], tasksMax: 9 },
      true,
    ],
    ['defaults filled in', {}, { topics: ['.*'], separator: '.' }, true],
    ['a topic filter does', { topics: ['a'] }, { topics: ['b'] }, false],
    ['the policy does', { replicationPolicy: 'default' }, { replicationPolicy: 'identity' }, false],
    ['the separator does', { separator: '.' }, { separator: '_' }, false],
  ])('%s', (_l, a, b, same) => expect(discoveryFingerprint(a) === discoveryFingerprint(b)).toBe(same));
});

describe('planFlow', () => {
  const fp = planFlow(withTopo(), undefined).fingerprint;
  it.each([
    [
      'never discovered: ask discovery, run nothing',
      flow(),
      undefined,
      { bump: false, generation: null, tasks: 0, discover: true },
    ],
    [
      'discovered for other options and running: ask discovery, keep the running generation',
      flow({ config: { topics: ['b'], tasksMax: 2 }, topology: topo(base) }),
      fp,
      { bump: false, generation: 3, tasks: 0, discover: true },
    ],
    [
      'never started: run the current generation',
      withTopo(),
      undefined,
      { bump: false, generation: 3, tasks: 2, discover: false },
    ],
    [
      'unchanged: keep the generation',
      withTopo(),
      fp,
      { bump: false, generation: 3, tasks: 2, discover: false },
    ],
    [
      'options edited: bump',
      withTopo({ topics: ['a'], tasksMax: 2 }),
      fp,
      { bump: true, generation: 4, tasks: 2, discover: false },
    ],
    [
      'tasksMax changed: bump',
      withTopo({ topics: ['.*'], tasksMax: 3 }),
      fp,
      { bump: true, generation: 4, tasks: 3, discover: false },
    ],
    [
      'a new partition discovered: bump',
      withTopo(base, { orders: 4, pay: 2 }),
      fp,
      { bump: true, generation: 4, tasks: 2, discover: false },
    ],
    [
      'fewer partitions than tasksMax: one task per partition',
      withTopo({ topics: ['.*'], tasksMax: 8 }, { orders: 3 }),
      undefined,
      { bump: false, generation: 3, tasks: 3, discover: false },
    ],
    [
      'no matching topic yet: one idle task',
      withTopo({ topics: ['.*'], tasksMax: 8 }, {}),
      undefined,
      { bump: false, generation: 3, tasks: 1, discover: false },
    ],
    [
      'disabled: no tasks, no bump',
      flow({ enabled: false, topology: topo(base) }),
      fp,
      { bump: false, generation: null, tasks: 0, discover: false },
    ],
  ] as const)('%s', (_label, f, started, expected) => {
    const plan = planFlow(f, started);
    expect({
      bump: plan.bump,
      generation: plan.generation,
      tasks: plan.tasks.length,
      discover: plan.discover,
    }).toEqual(expected);
    expect(plan.tasks.map((t) => t.taskIndex)).toEqual([...Array(expected.tasks).keys()]);
    for (const t of plan.tasks)
      expect(t).toMatchObject({
        flowId: 'f1',
        generation: expected.generation,
        taskCount: expected.tasks,
        topics: f.topology?.partitions,
      });
  });
});

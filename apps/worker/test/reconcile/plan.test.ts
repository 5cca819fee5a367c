import { describe, expect, it } from 'vitest';
import { flowFingerprint, planFlow, tasksMaxOf } from '../../src/reconcile/plan.ts';

const flow = (
  over: Partial<{ enabled: boolean; generation: number; config: Record<string, unknown> }> = {},
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

describe('planFlow', () => {
  const fp = flowFingerprint(flow().config);
  it.each([
    [
      'never started: run the current generation',
      flow(),
      undefined,
      { bump: false, generation: 3, tasks: 2 },
    ],
    ['unchanged: keep the generation', flow(), fp, { bump: false, generation: 3, tasks: 2 }],
    [
      'options edited: bump',
      flow({ config: { topics: ['a'], tasksMax: 2 } }),
      fp,
      { bump: true, generation: 4, tasks: 2 },
    ],
    [
      'tasksMax changed: bump',
      flow({ config: { topics: ['.*'], tasksMax: 3 } }),
      fp,
      { bump: true, generation: 4, tasks: 3 },
    ],
    [
      'disabled: no tasks, no bump',
      flow({ enabled: false }),
      fp,
      { bump: false, generation: null, tasks: 0 },
    ],
  ] as const)('%s', (_label, f, started, expected) => {
    const plan = planFlow(f, started);
    expect({ bump: plan.bump, generation: plan.generation, tasks: plan.tasks.length }).toEqual(expected);
    expect(plan.tasks.map((t) => t.taskIndex)).toEqual([...Array(expected.tasks).keys()]);
    for (const t of plan.tasks)
      expect(t).toMatchObject({ flowId: 'f1', generation: expected.generation, tasksMax: expected.tasks });
  });
});

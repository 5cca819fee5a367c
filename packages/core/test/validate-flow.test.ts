import { describe, expect, it } from 'vitest';
import { flowConfigSchema, flowCreateSchema } from '../src/flow-config.ts';
import { type FlowShape, validateFlow } from '../src/validate-flow.ts';
import { fieldIssues } from '../src/zod-issues.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const cfg = (o: Partial<FlowShape['config']> = {}) => ({
  topics: ['.*'],
  topicsExclude: [],
  replicationPolicy: 'default' as const,
  separator: '.',
  ...o,
});
const flow = (name: string, s: string, t: string, c = cfg(), id?: string): FlowShape => ({
  id,
  name,
  sourceClusterId: s,
  targetClusterId: t,
  config: c,
});
const errors = (issues: ReturnType<typeof validateFlow>) => issues.filter((i) => i.severity === 'error');

describe('validateFlow', () => {
  const cases: {
    name: string;
    flow: FlowShape;
    others: FlowShape[];
    error?: [string, string];
    warning?: string;
  }[] = [
    { name: 'plain A->B is fine', flow: flow('ab', A, B), others: [] },
    {
      name: 'source = target refused',
      flow: flow('aa', A, A),
      others: [],
      error: ['targetClusterId', 'different cluster'],
    },
    { name: 'default policy in a cycle is fine', flow: flow('ab', A, B), others: [flow('ba', B, A)] },
    {
      name: 'identity in a 2-cycle refused',
      flow: flow('ab', A, B, cfg({ replicationPolicy: 'identity' })),
      others: [flow('ba', B, A)],
      error: ['config.replicationPolicy', 'cycle'],
    },
    {
      name: 'closing a cycle with an identity flow refused',
      flow: flow('ca', C, A),
      others: [flow('ab', A, B, cfg({ replicationPolicy: 'identity' })), flow('bc', B, C)],
      error: ['config.replicationPolicy', '"ab"'],
    },
    {
      name: 'identity without a cycle is fine',
      flow: flow('ab', A, B, cfg({ replicationPolicy: 'identity' })),
      others: [flow('cb', C, B, cfg({ topics: ['other'] }))],
    },
    {
      name: 'identity flows into one target with overlapping topics flagged',
      flow: flow('ab', A, B, cfg({ replicationPolicy: 'identity' })),
      others: [flow('cb', C, B, cfg({ replicationPolicy: 'identity' }))],
      warning: 'overlaps flow "cb"',
    },
    {
      name: 'two flows A->B with the same topics flagged',
      flow: flow('ab2', A, B),
      others: [flow('ab1', A, B, cfg(), 'x')],
      warning: 'overlaps flow "ab1"',
    },
    {
      name: 'disjoint literal topics not flagged',
      flow: flow('ab2', A, B, cfg({ topics: ['orders'] })),
      others: [flow('ab1', A, B, cfg({ topics: ['payments'] }))],
    },
    {
      name: 'editing a flow ignores itself',
      flow: flow('ab', A, B, cfg(), 'same'),
      others: [flow('ab', A, B, cfg(), 'same')],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const issues = validateFlow(c.flow, c.others);
      if (c.error) {
        const e = errors(issues)[0];
        expect(e?.path).toBe(c.error[0]);
        expect(e?.message).toContain(c.error[1]);
      } else expect(errors(issues)).toEqual([]);
      if (c.warning) expect(issues.find((i) => i.severity === 'warning')?.message).toContain(c.warning);
      else expect(issues.filter((i) => i.severity === 'warning')).toEqual([]);
    });
});

describe('flow config schema', () => {
  it('fills MM2 defaults', () => {
    const c = flowConfigSchema.parse({});
    expect(c).toMatchObject({
      topics: ['.*'],
      replicationPolicy: 'default',
      separator: '.',
      tasksMax: 1,
      startPosition: 'earliest',
      exactlyOnce: true, // exactly-once by default (ARCHITECTURE.md)
      syncGroupOffsets: false, // MM2 default
      checkpoints: true,
    });
  });
  it.each([
    [{ topics: ['ok', '(bad'] }, 'config.topics.1', 'regular expression'],
    [{ tasksMax: 0 }, 'config.tasksMax', ''],
    [{ replicationPolicy: 'mirror' }, 'config.replicationPolicy', ''],
    [{ replicationFactor: 0 }, 'config.replicationFactor', 'broker default'],
    [{ groupsExclude: ['[z-a]'] }, 'config.groupsExclude.0', 'regular expression'],
  ])('%j names %s', (config, path, msg) => {
    const r = flowCreateSchema.safeParse({
      name: 'f',
      sourceClusterId: '00000000-0000-4000-8000-00000000000a',
      targetClusterId: '00000000-0000-4000-8000-00000000000b',
      config,
    });
    expect(r.success).toBe(false);
    const issue = fieldIssues(r.error!).find((i) => i.path === path);
    expect(issue, JSON.stringify(fieldIssues(r.error!))).toBeDefined();
    expect(issue?.message).toContain(msg);
  });
});

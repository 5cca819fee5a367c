import { describe, expect, it } from 'vitest';
import { describeError, flowState } from '../../src/status/flow-status.ts';

const t = (...states: Array<'starting' | 'running' | 'stopped' | 'failed'>) =>
  states.map((state) => ({ state }));

describe('flowState', () => {
  it.each([
    [false, 2, t('running', 'running'), 'disabled'],
    [true, 2, t(), 'starting'],
    [true, 2, t('running'), 'starting'],
    [true, 2, t('running', 'starting'), 'starting'],
    [true, 2, t('running', 'running'), 'running'],
    [true, 2, t('running', 'failed'), 'degraded'],
    [true, 2, t('failed', 'starting'), 'degraded'],
    [true, 2, t('failed', 'failed'), 'failed'],
    [true, 1, t('failed'), 'failed'],
  ] as const)('enabled=%s tasksMax=%i %j → %s', (enabled, max, tasks, expected) => {
    expect(flowState(enabled, max, [...tasks])).toBe(expected);
  });
});

describe('describeError', () => {
  // core's errorSentence (table-tested in packages/core) with the flow's clusters named.
  const ctx = { source: 'east', target: 'west' };
  it.each([
    [
      {
        code: 'INVALID_REPLICATION_FACTOR',
        message: 'Replication factor: 3 larger than available brokers: 1.',
      },
      /^The target cluster west rejected topic creation: Replication factor: 3 larger than available brokers: 1\. Lower/,
    ],
    [
      { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9092' },
      /clusters east and west are up/,
    ],
    [
      { code: 'TOPIC_AUTHORIZATION_FAILED', message: 'Not authorized to access topics: [orders]' },
      /Grant it READ/,
    ],
    [{ code: 'PRODUCER_FENCED', message: 'x' }, /fenced/],
    [{ message: 'something\n  odd happened' }, /^something odd happened\.$/],
  ])('%j', (e, expected) => expect(describeError(e, ctx)).toMatch(expected));
});

import { describe, expect, it } from 'vitest';
import { type CadenceSettings, type CadenceState, nextWriteIn } from '../../src/tasks/commit-cadence.ts';

const c: CadenceSettings = { lingerMs: 5, intervalMs: 100, minGapMs: 0 };

describe('nextWriteIn (the commit cadence)', () => {
  const cases: Array<[string, CadenceState, Partial<CadenceSettings>, number | undefined]> = [
    ['nothing buffered: nothing to start', { now: 1000, oldestAt: undefined, writing: false }, {}, undefined],
    [
      'nothing buffered after a write: nothing to start',
      { now: 1000, oldestAt: undefined, writing: false, lastStartAt: 900, lastEndAt: 990 },
      {},
      undefined,
    ],
    ['a write in flight: its end asks again', { now: 1000, oldestAt: 990, writing: true }, {}, undefined],
    ['first record of an idle task: the linger', { now: 1000, oldestAt: 1000, writing: false }, {}, 5],
    ['idle task, part of the linger gone', { now: 1003, oldestAt: 1000, writing: false }, {}, 2],
    ['idle task, linger over: now', { now: 1010, oldestAt: 1000, writing: false }, {}, 0],
    ['linger 0: now', { now: 1000, oldestAt: 1000, writing: false }, { lingerMs: 0 }, 0],
    [
      'records that arrived during the write that just ended: now, no linger',
      { now: 1030, oldestAt: 1010, writing: false, lastStartAt: 1000, lastEndAt: 1030 },
      {},
      0,
    ],
    [
      'a record buffered in the same millisecond the write ended counts as waiting through it',
      { now: 1030, oldestAt: 1030, writing: false, lastStartAt: 1000, lastEndAt: 1030 },
      {},
      0,
    ],
    [
      'a record after the last write ended found the task idle: the linger',
      { now: 1040, oldestAt: 1040, writing: false, lastStartAt: 1000, lastEndAt: 1030 },
      {},
      5,
    ],
    [
      'linger longer than commit.interval.ms: the interval bounds it',
      { now: 1000, oldestAt: 1000, writing: false },
      { lingerMs: 500 },
      100,
    ],
    [
      'linger longer than the interval, part of it waited',
      { now: 1060, oldestAt: 1000, writing: false },
      { lingerMs: 500 },
      40,
    ],
    [
      'minimum gap between starts: waits for it after a short write',
      { now: 1010, oldestAt: 1005, writing: false, lastStartAt: 1000, lastEndAt: 1008 },
      { minGapMs: 20 },
      10,
    ],
    [
      'minimum gap already over: the linger decides',
      { now: 1050, oldestAt: 1050, writing: false, lastStartAt: 1000, lastEndAt: 1030 },
      { minGapMs: 20 },
      5,
    ],
    [
      'minimum gap longer than the interval: the interval bounds it',
      { now: 1010, oldestAt: 1005, writing: false, lastStartAt: 1000, lastEndAt: 1008 },
      { minGapMs: 500 },
      95,
    ],
    [
      'a record older than the interval (the write took long): now',
      { now: 1300, oldestAt: 1010, writing: false, lastStartAt: 1000, lastEndAt: 1300 },
      { minGapMs: 20 },
      0,
    ],
  ];
  it.each(cases)('%s', (_name, state, settings, expected) => {
    expect(nextWriteIn(state, { ...c, ...settings })).toBe(expected);
  });
});

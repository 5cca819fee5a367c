import { FerryError } from '@ferry/engine';
import { describe, expect, it } from 'vitest';
import { defaultDelayMs, type Startable, startRetrying } from '../src/commands/start-retrying.ts';

/** A runner whose start fails with the next scripted error (undefined: it starts). */
function scripted(errors: Array<Error | undefined>, log: string[]) {
  let made = 0;
  const make = (): Startable => {
    const n = made++;
    return {
      start: async () => {
        log.push(`start ${n}`);
        const e = errors.shift();
        if (e) throw e;
      },
      stop: async () => {
        log.push(`stop ${n}`);
      },
    };
  };
  return make;
}

const retriable = () =>
  new FerryError('DESCRIBE_CONFIGS_FAILED', 'cannot read max.message.bytes', { retriable: true });
const fatal = () => new FerryError('SOURCE_UNAVAILABLE', 'wrong password');

describe('startRetrying', () => {
  const cases: Array<[string, Array<Error | undefined>, string[], string | undefined]> = [
    ['starts at once', [undefined], ['start 0'], undefined],
    [
      'a retriable failure: the runner is stopped, a new one made and started',
      [retriable(), retriable(), undefined],
      ['start 0', 'stop 0', 'start 1', 'stop 1', 'start 2'],
      undefined,
    ],
    ['a non-retriable failure ends the start', [fatal()], ['start 0'], 'wrong password'],
    [
      'non-retriable after retriable ones',
      [retriable(), fatal()],
      ['start 0', 'stop 0', 'start 1'],
      'wrong password',
    ],
    ['an error without a verdict is not retried', [new Error('boom')], ['start 0'], 'boom'],
  ];
  it.each(cases)('%s', async (_name, errors, wantLog, wantError) => {
    const log: string[] = [];
    const lines: string[] = [];
    const make = scripted(errors, log);
    const runners: Startable[] = [];
    const run = startRetrying(make(), {
      make,
      onRunner: (r) => runners.push(r),
      stopping: () => false,
      report: (l) => lines.push(l),
      what: 'flow a->b',
      delayMs: () => 0,
      sleep: async () => undefined,
    });
    if (wantError) await expect(run).rejects.toThrow(wantError);
    else await run;
    expect(log).toEqual(wantLog);
    expect(runners).toHaveLength(log.filter((l) => l.startsWith('stop')).length);
    for (const l of lines)
      expect(l).toBe(
        'ferry: flow a->b: cannot start yet: cannot read max.message.bytes [DESCRIBE_CONFIGS_FAILED]; trying again in 0 s',
      );
  });

  it('a stop during the back-off ends the retries without starting another runner', async () => {
    const log: string[] = [];
    const make = scripted([retriable(), undefined], log);
    let stopping = false;
    await startRetrying(make(), {
      make,
      onRunner: () => {},
      stopping: () => stopping,
      report: () => {},
      what: 'flow a->b',
      sleep: async () => {
        stopping = true;
      },
    });
    expect(log).toEqual(['start 0', 'stop 0']);
  });

  it.each([
    [0, 1000],
    [1, 2000],
    [4, 16_000],
    [5, 30_000],
    [20, 30_000],
  ])('back-off before attempt %i+1: %i ms', (attempt, ms) => {
    expect(defaultDelayMs(attempt)).toBe(ms);
  });
});

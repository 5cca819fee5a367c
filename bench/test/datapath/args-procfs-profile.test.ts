import { describe, expect, it } from 'vitest';
import { BenchArgsError, DEFAULT_SYSTEMS, parseBenchArgs, roundOrder } from '../../src/datapath/args.ts';
import { parseHwmKiB, parseStat } from '../../src/datapath/procfs.ts';
import { topSelfTime } from '../../src/datapath/profile.ts';
import { recordsFor, SCENARIOS } from '../../src/datapath/scenarios.ts';

describe('parseBenchArgs', () => {
  it('defaults: 3 runs, every system but mm2-eos', () => {
    const a = parseBenchArgs(['1k']);
    expect(a).toMatchObject({ scenarios: ['1k'], runs: 3, profile: false, systems: [...DEFAULT_SYSTEMS] });
    expect(a.systems).toEqual(['ferry', 'ferry-managed', 'mm2', 'raw']);
    expect(a.latencyWarmupSeconds).toBe(3);
  });
  it('--latency-warmup: 0 turns it off', () => {
    expect(parseBenchArgs(['1k', '--latency-warmup', '0']).latencyWarmupSeconds).toBe(0);
    expect(parseBenchArgs(['1k', '--latency-warmup', '5']).latencyWarmupSeconds).toBe(5);
  });
  it('--brokers: the test stack on disk by default, a stack of its own in tmpfs when asked', () => {
    expect(parseBenchArgs(['1k']).brokers).toBe('disk');
    expect(parseBenchArgs(['1k', '--brokers', 'tmpfs']).brokers).toBe('tmpfs');
    expect(parseBenchArgs(['1k', '--brokers', 'disk']).brokers).toBe('disk');
  });
  it('takes mm2-eos when named', () => {
    expect(parseBenchArgs(['1000p', '--systems', 'ferry,mm2,mm2-eos']).systems).toEqual([
      'ferry',
      'mm2',
      'mm2-eos',
    ]);
  });
  it('all, --runs, --volume, --profile, --systems', () => {
    const a = parseBenchArgs(['all', '--runs', '5', '--volume', '20', '--profile', '--systems', 'ferry,mm2']);
    expect(a.scenarios).toEqual(SCENARIOS.map((s) => s.name));
    expect(a).toMatchObject({ runs: 5, volumeMiB: 20, profile: true, systems: ['ferry', 'mm2'] });
  });
  it.each([
    { argv: [], msg: 'name a scenario or all' },
    { argv: ['nope'], msg: 'unknown scenario "nope"' },
    { argv: ['1k', '--runs', '0'], msg: '--runs needs a positive number' },
    { argv: ['1k', '--systems', 'kafka'], msg: '--systems takes a list' },
    { argv: ['1k', '--fast'], msg: 'unknown option --fast' },
    { argv: ['1k', '--latency-warmup', '-1'], msg: '--latency-warmup needs 0 or more seconds' },
    { argv: ['1k', '--brokers', 'ssd'], msg: '--brokers takes disk or tmpfs, got "ssd"' },
    { argv: ['1k', '--brokers'], msg: '--brokers takes disk or tmpfs, got ""' },
  ])('$argv: $msg', ({ argv, msg }) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchArgsError);
    expect(() => parseBenchArgs(argv)).toThrow(msg);
  });
});

describe('roundOrder', () => {
  it.each([
    [['a', 'b', 'c'], 0, ['a', 'b', 'c']],
    [['a', 'b', 'c'], 1, ['b', 'c', 'a']],
    [['a', 'b', 'c'], 2, ['c', 'a', 'b']],
    [['a', 'b', 'c'], 3, ['a', 'b', 'c']],
    [['a', 'b'], 1, ['b', 'a']],
    [['a'], 5, ['a']],
    [[], 2, []],
  ])('%j, round %i → %j', (systems, round, order) => {
    expect(roundOrder(systems, round)).toEqual(order);
  });

  it('puts every system first once in as many rounds as there are systems', () => {
    const firsts = [0, 1, 2, 3].map((r) => roundOrder(DEFAULT_SYSTEMS, r)[0]);
    expect(new Set(firsts)).toEqual(new Set(DEFAULT_SYSTEMS));
  });
});

describe('scenarios', () => {
  it('records from a volume', () => {
    expect(recordsFor({ recordBytes: 1024 }, 200)).toBe(204800);
    expect(recordsFor({ recordBytes: 100 }, 1)).toBe(10486);
  });
  it('cover the issue list', () => {
    expect(SCENARIOS.map((s) => s.name)).toEqual(['1k', 'small', 'lz4', '1000p', 'compacted', 'txn']);
  });
});

describe('procfs parsing', () => {
  it('reads utime+stime and the waited-for children of /proc/<pid>/stat (a name with spaces and parens)', () => {
    const text = '123 (node (x) y) S 7 123 123 0 -1 4194560 1 2 3 4 250 50 10 5 20 0 11 0 99 1 2';
    expect(parseStat(123, text)).toEqual({ pid: 123, ppid: 7, cpu: 3, childCpu: 0.15 });
  });
  it('reads VmHWM', () => {
    expect(parseHwmKiB('Name:\tnode\nVmPeak:\t  9 kB\nVmHWM:\t  204800 kB\nVmRSS:\t 1 kB\n')).toBe(204800);
    expect(parseHwmKiB('Name:\tx\n')).toBe(0);
  });
});

describe('topSelfTime', () => {
  it('weights samples by their time deltas and sorts by self time', () => {
    const frame = (id: number, functionName: string) => ({
      id,
      callFrame: { functionName, url: `file:///r/packages/engine/src/f${id}.ts`, lineNumber: id - 1 },
    });
    const top = topSelfTime({
      nodes: [frame(1, '(root)'), frame(2, 'crc32c'), frame(3, 'encode')],
      startTime: 0,
      endTime: 10_000,
      samples: [2, 2, 3, 2],
      timeDeltas: [0, 1000, 1000, 4000],
    });
    // sample k stands for the delta before sample k+1; the last one for its own delta
    expect(top.map((t) => [t.fn, t.ms])).toEqual([
      ['crc32c packages/engine/src/f2.ts:2', 6],
      ['encode packages/engine/src/f3.ts:3', 4],
    ]);
    expect(top[0]!.share).toBeCloseTo(0.6);
  });
});

describe('parseBenchArgs, web and docs', () => {
  it('--build-web and --append-docs, off by default', () => {
    expect(parseBenchArgs(['all'])).toMatchObject({ buildWeb: false, appendDocs: false });
    expect(parseBenchArgs(['all', '--build-web', '--append-docs'])).toMatchObject({
      buildWeb: true,
      appendDocs: true,
    });
  });
});

describe('topSelfTime in a window', () => {
  it('counts only the samples stamped inside it', () => {
    const frame = (id: number, functionName: string) => ({
      id,
      callFrame: { functionName, url: '', lineNumber: 0 },
    });
    // samples at 1000, 2000, 3000, 7000 µs (startTime 0 + cumulative deltas)
    const p = {
      nodes: [frame(1, 'a'), frame(2, 'b')],
      startTime: 0,
      endTime: 8000,
      samples: [1, 1, 2, 2],
      timeDeltas: [1000, 1000, 1000, 4000],
    };
    const top = topSelfTime(p, 10, { fromUs: 1500, toUs: 3500 });
    expect(top.map((t) => t.fn)).toEqual(['b', 'a']);
    expect(top.map((t) => t.ms)).toEqual([4, 1]);
  });
});

import { describe, expect, it } from 'vitest';
import { CatchUpClock, POLL_MS } from '../../src/datapath/catch-up.ts';
import {
  markdownReport,
  missedGoals,
  phaseTable,
  projectWall,
  type ReportInput,
  storageLine,
} from '../../src/datapath/markdown.ts';
import type { ScenarioFigures } from '../../src/datapath/table.ts';

const opts = { records: 100, stillMinMs: 500, stillGapFactor: 3, stillMaxMs: 5000 };

/** Feeds (at, hw) polls with cpu = at / 1000 and rss = hw; returns the clock and the poll it ended at. */
function feed(polls: [number, number][]) {
  const c = new CatchUpClock(opts);
  let doneAt: number | undefined;
  for (const [at, hw] of polls)
    if (c.observe({ at, hw, cpu: at / 1000, rss: hw })) {
      doneAt = at;
      break;
    }
  return { c, doneAt };
}

describe('CatchUpClock', () => {
  it('times the first poll with a record to the last poll the watermarks moved, start-up apart', () => {
    const polls: [number, number][] = [
      [1000, 0],
      [1020, 0],
      [1040, 10],
      [1060, 50],
      [1080, 100],
      [1100, 104], // transaction markers after the last record
      ...Array.from({ length: 30 }, (_, k) => [1120 + k * 20, 104] as [number, number]),
    ];
    const { c, doneAt } = feed(polls);
    expect(doneAt).toBe(1600); // 500 ms still after the last move at 1100
    const r = c.result(900);
    expect(r.startupSeconds).toBeCloseTo(0.14);
    expect(r.seconds).toBeCloseTo(0.06);
    expect(r.cpuSeconds).toBeCloseTo(0.06);
    expect(r.totalCpuSeconds).toBeCloseTo(1.1);
    expect(r.peakRssMiB).toBe(104);
    expect(r.highWatermark).toBe(104);
    expect([r.polls, r.meanPollMs]).toEqual([3, 20]);
  });

  it('does not end at a pause before the record count, and waits 3x the longest pause after it', () => {
    const polls: [number, number][] = [[0, 10]];
    for (let t = 20; t <= 2000; t += 20) polls.push([t, 60]); // 2 s pause at 60 of 100
    polls.push([2020, 100]);
    for (let t = 2040; t <= 10_000; t += 20) polls.push([t, 100]);
    const { c, doneAt } = feed(polls);
    // the move to 60 at 20 ms, then the longest pause 20 → 2020 (2 s): still 3 x 2 s = 6 s, capped at 5 s
    expect(doneAt).toBe(7020);
    expect(c.result(0).seconds).toBeCloseTo(2.02);
  });

  it('a copy over within one poll reads as one poll long', () => {
    const polls: [number, number][] = [
      [0, 0],
      [20, 100],
    ];
    for (let t = 40; t <= 1000; t += 20) polls.push([t, 100]);
    const { c, doneAt } = feed(polls);
    expect(doneAt).toBe(520);
    expect(c.result(0).seconds).toBe(POLL_MS / 1000);
  });

  it('has no result before a record arrived', () => {
    const c = new CatchUpClock(opts);
    c.observe({ at: 0, hw: 0, cpu: 0, rss: 0 });
    expect(() => c.result(0)).toThrow('no record arrived');
  });
});

const s = (median: number, min = median, max = median, n = 3) => ({ median, min, max, n });
const figures: ScenarioFigures[] = [
  {
    scenario: '1k',
    title: '1 KiB records x 16 partitions',
    records: 512_000,
    volumeMiB: 500,
    systems: [
      { system: 'ferry', runs: 3, mibPerSec: s(120, 110, 130), cpuSecondsPerGiB: s(3), p99Ms: s(200) },
      { system: 'mm2', runs: 3, mibPerSec: s(100), cpuSecondsPerGiB: s(10), p99Ms: s(300) },
      { system: 'raw', runs: 3, mibPerSec: s(130) },
    ],
  },
];

const phases = [
  {
    scenario: '1k',
    system: 'ferry',
    run: 0,
    wallSeconds: 20,
    startupSeconds: 2,
    catchUpSeconds: 4,
    latencyPhaseSeconds: 11,
  },
  { scenario: '1k', system: 'ferry', run: 1, wallSeconds: 9, startupSeconds: 2, catchUpSeconds: 4 },
  { scenario: '1k', system: 'raw', run: 0, wallSeconds: 6, catchUpSeconds: 4 },
];

describe('projectWall', () => {
  it('set-up + seeds + runs x mean bare run + latency runs x mean latency phase', () => {
    const p = { setupSeconds: 5, seeds: [{ scenario: '1k', seconds: 10 }], phases };
    // ferry: bare runs 9 and 9 → 9; latency 11. raw: 6.
    expect(projectWall(p, 3, 1)).toBe(5 + 10 + 3 * 9 + 11 + 3 * 6);
    expect(projectWall(p, 1, 1)).toBe(5 + 10 + 9 + 11 + 6);
  });
  it('leaves failed runs out', () => {
    const p = { setupSeconds: 0, seeds: [], phases: [{ ...phases[2]!, failed: true }] };
    expect(projectWall(p, 3, 1)).toBe(0);
  });
});

describe('storageLine', () => {
  const m = { cpu: 'x', cores: 2, memoryGiB: 24, node: 'v24', java: 'j', kafka: 'k' };
  it.each([
    ['not measured', undefined, ''],
    [
      'a disk whose mapped first writes are slow',
      { dir: '/d', files: 200, mmapP50Ms: 3.324, mmapP99Ms: 12.08, writeP50Ms: 0.004 },
      'Target log dir /d: first write into a fresh memory-mapped 10 MiB file (a new Kafka index) p50 3.32 ms, p99 12.08 ms; first write() into one 0.004 ms (200 files each). ',
    ],
    [
      'tmpfs',
      { dir: '/dev/shm/w', files: 200, mmapP50Ms: 0.004, mmapP99Ms: 0.036, writeP50Ms: 0.003 },
      'Target log dir /dev/shm/w: first write into a fresh memory-mapped 10 MiB file (a new Kafka index) p50 0.004 ms, p99 0.036 ms; first write() into one 0.003 ms (200 files each). ',
    ],
  ])('%s', (_name, targetStorage, line) => {
    expect(storageLine({ ...m, ...(targetStorage ? { targetStorage } : {}) })).toBe(line);
  });
});

describe('report', () => {
  it('phase table per system', () => {
    const t = phaseTable(phases).split('\n');
    expect(t[2]).toBe('| ferry | 2 | 29 | 4 | 8.0 | 11 | 6 |');
    expect(t[3]).toBe('| raw | 1 | 6 | 0 | 4.0 | 0 | 2 |');
  });
  it('names the missed goals', () => {
    expect(missedGoals(figures)).toEqual([
      '1k ferry: throughput >= 3x MM2 missed (1.20×)',
      '1k ferry: p99 <= 0.5x MM2 missed (0.67×)',
    ]);
  });
  it('has the machine, load, wall time, tables and profiles', () => {
    const r: ReportInput = {
      at: '2026-12-01T20:30:00.000Z',
      command: 'npm run bench -- all',
      complete: true,
      machine: {
        cpu: 'AMD EPYC',
        cores: 2,
        memoryGiB: 24,
        node: 'v24',
        java: 'openjdk 17',
        kafka: 'source 4.3.1, target 4.3.1',
      },
      load1: [0.5, 1.5, 1.0],
      wallSeconds: 1400,
      setupSeconds: 5,
      webBuildSeconds: 0,
      seeds: [{ scenario: '1k', seconds: 10 }],
      phases,
      runs: 3,
      latencyRuns: 1,
      mm2Settings: 'tasks.max=4',
      figures,
      profiles: [
        {
          scenario: '1k',
          system: 'ferry',
          file: 'p.cpuprofile',
          seconds: 30,
          windowSeconds: 4.2,
          top: [{ fn: 'writev', ms: 100, share: 0.25 }],
        },
      ],
    };
    const md = markdownReport(r);
    expect(md).toContain('### `npm run bench -- all` (2026-12-01 20:30 UTC)');
    expect(md).toContain(
      'AMD EPYC, 2 cores, 24 GiB RAM; Node v24; openjdk 17; Kafka source 4.3.1, target 4.3.1',
    );
    expect(md).toContain('min 0.50, max 1.50');
    expect(md).toContain('Wall time 1400 s (set-up 5 s, seeds 10 s)');
    expect(md).toContain('| 1k | ferry | 3 | 120 (110–130) |');
    expect(md).toContain('| 1k | ferry | 1.20× missed | 0.92× met | 0.30× met | 0.67× missed |');
    expect(md).toContain('- 1k ferry: p99 <= 0.5x MM2 missed (0.67×)');
    expect(md).toContain('Profile, 1k ferry (run 1, the 4.2 s catch-up of a 30 s profile; `p.cpuprofile`)');
    expect(md).toContain('- 25.0 % (100 ms) `writev`');
    expect(md).not.toContain('Runs that failed');
    expect(md).not.toContain('mm2-eos');
    const eos = markdownReport({
      ...r,
      mm2ExactlyOnceSettings: 'west.exactly.once.source.support=enabled',
      figures: figures.map((f) => ({
        ...f,
        systems: [
          ...f.systems,
          { system: 'mm2-eos', runs: 1, mibPerSec: { median: 50, min: 50, max: 50, n: 1 } },
        ],
      })),
    });
    expect(eos).toContain('mm2-eos: the same MM2 settings and west.exactly.once.source.support=enabled');
    expect(eos).toContain('exactly-once Ferry against `mm2-eos` (MM2 with exactly-once source support)');
    expect(eos).toContain('| 1k | ferry | mm2-eos | 2.40× |');
    const failed = markdownReport({
      ...r,
      phases: [
        {
          scenario: '1k',
          system: 'ferry',
          run: 0,
          wallSeconds: 5,
          failed: true,
          retriedAfter: 'exited\nlog\ncannot start: X',
        },
      ],
    });
    expect(failed).toContain('- 1k ferry run 1: failed twice; exited … cannot start: X');
  });
});

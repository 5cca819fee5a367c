import { describe, expect, it } from 'vitest';
import {
  cell,
  ratioRows,
  ratioTable,
  resultsTable,
  type ScenarioFigures,
  sameGuaranteeRatios,
  sameGuaranteeTable,
} from '../../src/datapath/table.ts';

const s = (median: number, min = median, max = median, n = 3) => ({ median, min, max, n });

const fig: ScenarioFigures = {
  scenario: '1k',
  title: '1 KiB',
  records: 1000,
  volumeMiB: 1,
  systems: [
    { system: 'ferry', runs: 3, mibPerSec: s(60, 50, 70), cpuSecondsPerGiB: s(3), p99Ms: s(100) },
    { system: 'mm2', runs: 3, mibPerSec: s(20), cpuSecondsPerGiB: s(20), p99Ms: s(400) },
    { system: 'raw', runs: 3, mibPerSec: s(100) },
  ],
};

describe('cell', () => {
  it.each([
    { v: undefined, want: '–' },
    { v: s(12.345, 10, 15), want: '12.3 (10.0–15.0)' },
    { v: s(1.5, 1.5, 1.5, 1), want: '1.50' },
    { v: s(123456, 100000, 200000), want: '123,456 (100,000–200,000)' },
  ])('$want', ({ v, want }) => {
    expect(cell(v)).toBe(want);
  });
});

describe('tables', () => {
  it('has one row per scenario and system with median (min–max)', () => {
    const t = resultsTable([fig]).split('\n');
    expect(t).toHaveLength(5);
    expect(t[2]).toBe('| 1k | ferry | 3 | 60.0 (50.0–70.0) | – | 3.00 | – | – | – | 100 |');
    expect(t[4]).toContain('| 1k | raw | 3 | 100 |');
  });

  it('states Ferry against MM2 and raw per goal', () => {
    const rows = ratioRows([fig]);
    expect(rows.map((r) => [r.goal.name, r.ratio, r.met])).toEqual([
      ['throughput >= 3x MM2', 3, true],
      ['throughput >= 70% of raw', 0.6, false],
      ['CPU-s/GB <= 0.3x MM2', 0.15, true],
      ['p99 <= 0.5x MM2', 0.25, true],
    ]);
    expect(ratioTable(rows).split('\n')[2]).toBe(
      '| 1k | ferry | 3.00× met | 0.60× missed | 0.15× met | 0.25× met |',
    );
  });
});

describe('Ferry against the MM2 with the same guarantee', () => {
  const eos = { system: 'mm2-eos', runs: 3, mibPerSec: s(10), cpuSecondsPerGiB: s(30), p99Ms: s(800) };
  const alo = { system: 'ferry-alo', runs: 3, mibPerSec: s(80), cpuSecondsPerGiB: s(2), p99Ms: s(40) };
  const withEos: ScenarioFigures = { ...fig, systems: [...fig.systems, eos] };
  const withBoth: ScenarioFigures = { ...fig, systems: [...fig.systems, alo, eos] };
  it('is extra information: the goals still compare ferry and ferry-managed against mm2', () => {
    expect(ratioRows([withEos])).toEqual(ratioRows([fig]));
    expect(ratioRows([withBoth])).toEqual(ratioRows([fig]));
  });
  it.each([
    { name: 'mm2 and ferry alone: none', f: fig, want: [] },
    {
      name: 'mm2-eos: ferry against it',
      f: withEos,
      want: [{ scenario: '1k', system: 'ferry', against: 'mm2-eos', throughput: 6, cpu: 0.1, p99: 0.125 }],
    },
    {
      name: 'ferry-alo too: it against mm2 (at-least-once both)',
      f: withBoth,
      want: [
        { scenario: '1k', system: 'ferry', against: 'mm2-eos', throughput: 6, cpu: 0.1, p99: 0.125 },
        { scenario: '1k', system: 'ferry-alo', against: 'mm2', throughput: 4, cpu: 0.1, p99: 0.1 },
      ],
    },
  ])('$name', ({ f, want }) => {
    expect(sameGuaranteeRatios([f])).toEqual(want);
  });
  it('prints one row per pairing', () => {
    expect(
      sameGuaranteeTable(sameGuaranteeRatios([withBoth]))
        .split('\n')
        .slice(2),
    ).toEqual([
      '| 1k | ferry | mm2-eos | 6.00× | 0.10× | 0.13× |',
      '| 1k | ferry-alo | mm2 | 4.00× | 0.10× | 0.10× |',
    ]);
  });
});

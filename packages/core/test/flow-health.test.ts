import { describe, expect, it } from 'vitest';
import { type FlowHealth, flowHealth, type HealthInput, type LagThresholds } from '../src/flow-health.ts';

const ok: HealthInput = {
  enabled: true,
  status: 'running',
  lastError: null,
  lagRecords: 0,
  lagSeconds: 0,
  sampleAgeMs: 3000,
};

const cases: [string, Partial<HealthInput>, LagThresholds | undefined, FlowHealth][] = [
  ['running and caught up', {}, undefined, 'healthy'],
  ['disabled wins over everything', { enabled: false, status: 'failed' }, undefined, 'disabled'],
  ['a failed task', { status: 'failed', lastError: 'boom' }, undefined, 'failed'],
  ['running with problems', { status: 'degraded' }, undefined, 'degraded'],
  ['starting', { status: 'starting' }, undefined, 'degraded'],
  ['no worker reported', { status: null }, undefined, 'degraded'],
  ['no recent sample', { sampleAgeMs: 61_000 }, undefined, 'degraded'],
  ['no sample at all', { sampleAgeMs: null }, undefined, 'degraded'],
  ['a minute behind by default', { lagSeconds: 61 }, undefined, 'lagging'],
  ['many records but recent: healthy by default', { lagRecords: 1e6, lagSeconds: 2 }, undefined, 'healthy'],
  ['over the record threshold', { lagRecords: 101 }, { lagRecordsMax: 100, lagSecondsMax: null }, 'lagging'],
  ['at the record threshold', { lagRecords: 100 }, { lagRecordsMax: 100, lagSecondsMax: null }, 'healthy'],
  ['seconds threshold off', { lagSeconds: 9999 }, { lagRecordsMax: null, lagSecondsMax: null }, 'healthy'],
];

describe('flowHealth', () => {
  it.each(cases)('%s → %s', (_name, over, t, want) => {
    const r = flowHealth({ ...ok, ...over }, t);
    expect(r.health).toBe(want);
    expect(r.reason.length).toBeGreaterThan(0);
  });
});

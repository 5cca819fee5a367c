import { describe, expect, it } from 'vitest';
import {
  type VerificationReport,
  verificationReportSchema,
  verificationRequestSchema,
  verificationSummary,
} from '../src/verification.ts';

const part = (over: Partial<VerificationReport['partitions'][number]> = {}) => ({
  topic: 'orders',
  partition: 0,
  remoteTopic: 'east.orders',
  sourceFrom: '0',
  sourceTo: '1000',
  checked: 1000,
  matched: 1000,
  missing: 0,
  mismatched: 0,
  extra: 0,
  sourceGone: 0,
  ...over,
});

function report(parts: VerificationReport['partitions']): VerificationReport {
  const sum = (k: 'checked' | 'matched' | 'missing' | 'mismatched' | 'extra' | 'sourceGone') =>
    parts.reduce((a, p) => a + p[k], 0);
  const totals = {
    partitions: parts.length,
    compared: parts.filter((p) => p.checked > 0).length,
    checked: sum('checked'),
    matched: sum('matched'),
    missing: sum('missing'),
    mismatched: sum('mismatched'),
    extra: sum('extra'),
    sourceGone: sum('sourceGone'),
  };
  return verificationReportSchema.parse({
    flow: 'f',
    source: 'east',
    target: 'west',
    recordsPerPartition: 1000,
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1200,
    partitions: parts,
    totals,
    ok: totals.missing + totals.mismatched + totals.extra === 0,
    notes: [],
  });
}

describe('verificationSummary', () => {
  const cases: Array<{
    name: string;
    run: Parameters<typeof verificationSummary>[0];
    want: string | RegExp;
  }> = [
    { name: 'queued', run: { state: 'queued', report: null, error: null }, want: /^Queued/ },
    { name: 'running', run: { state: 'running', report: null, error: null }, want: /^Running/ },
    {
      name: 'error',
      run: { state: 'error', report: null, error: 'target west unreachable' },
      want: 'Could not verify: target west unreachable',
    },
    {
      name: 'all identical',
      run: {
        state: 'passed',
        report: report(Array.from({ length: 12 }, (_, i) => part({ partition: i }))),
        error: null,
      },
      want: '12 partitions, 12,000 records compared, all identical.',
    },
    {
      name: 'identical, some partitions idle',
      run: {
        state: 'passed',
        report: report([
          part(),
          part({ partition: 1, checked: 0, matched: 0, sourceFrom: null, sourceTo: null }),
        ]),
        error: null,
      },
      want: '2 partitions, 1,000 records compared, all identical (1 partition with nothing replicated to compare).',
    },
    {
      name: 'nothing replicated',
      run: {
        state: 'passed',
        report: report([part({ checked: 0, matched: 0, sourceFrom: null, sourceTo: null })]),
        error: null,
      },
      want: '1 partition, 0 records compared: nothing replicated yet to compare.',
    },
    {
      name: 'differences with the first one in words',
      run: {
        state: 'failed',
        report: report([
          part(),
          part({
            partition: 3,
            matched: 998,
            mismatched: 1,
            extra: 1,
            missing: 1,
            firstDifference: {
              sourceOffset: '120',
              targetOffset: '131',
              field: 'value',
              detail: 'value differs: source value is 3 bytes, target value is 4 bytes',
            },
          }),
        ]),
        error: null,
      },
      want: '2 partitions, 2,000 records compared: 1 missing, 1 different, 1 extra record on the target. The first difference: orders partition 3, source offset 120 (target offset 131): value differs: source value is 3 bytes, target value is 4 bytes',
    },
  ];
  it.each(cases)('$name', ({ run, want }) => {
    const s = verificationSummary(run);
    if (typeof want === 'string') expect(s).toBe(want);
    else expect(s).toMatch(want);
  });
});

describe('verificationRequestSchema', () => {
  it.each([
    [{}, { recordsPerPartition: 1000 }],
    [{ recordsPerPartition: 5 }, { recordsPerPartition: 5 }],
  ])('accepts %j', (input, want) => expect(verificationRequestSchema.parse(input)).toEqual(want));
  it.each([
    [{ recordsPerPartition: 0 }, 'at least 1'],
    [{ recordsPerPartition: 100_001 }, 'at most 100,000'],
    [{ recordsPerPartition: 1.5 }, 'a whole number of records'],
    [{ recordsPerPartition: 'many' }, 'a whole number of records'],
    [{ records: 5 }, ''],
  ])('refuses %j', (input, message) => {
    const r = verificationRequestSchema.safeParse(input);
    expect(r.success).toBe(false);
    if (message) expect(r.error?.issues[0]?.message).toBe(message);
  });
});

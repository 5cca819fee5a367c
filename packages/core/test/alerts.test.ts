import { describe, expect, it } from 'vitest';
import {
  type AlertKind,
  type AlertRules,
  type AlertSignals,
  alertRulesSchema,
  alertTransitions,
  crossings,
  webhookBackoffMs,
  webhookUrlProblem,
} from '../src/alerts.ts';

const rules = (over: Partial<AlertRules> = {}): AlertRules => alertRulesSchema.parse(over);
const calm: AlertSignals = {
  enabled: true,
  status: 'running',
  lastError: null,
  lagRecords: 0,
  lagSeconds: 0,
  checkpointAgeSeconds: 3,
};

describe('crossings', () => {
  it.each<[string, Partial<AlertRules>, Partial<AlertSignals>, AlertKind[]]>([
    ['nothing set, nothing fires (but failed)', { onFailed: false }, { lagRecords: 1e9 }, []],
    ['lag over records threshold', { lagRecordsMax: 50 }, { lagRecords: 51 }, ['lag_records']],
    ['lag at records threshold', { lagRecordsMax: 50 }, { lagRecords: 50 }, []],
    ['unmeasured lag never fires', { lagRecordsMax: 50 }, { lagRecords: null }, []],
    ['lag over seconds threshold', { lagSecondsMax: 10 }, { lagSeconds: 12.5 }, ['lag_seconds']],
    ['old checkpoint', { checkpointAgeSecondsMax: 60 }, { checkpointAgeSeconds: 61 }, ['checkpoint_age']],
    [
      'old checkpoint of a disabled flow: quiet',
      { checkpointAgeSecondsMax: 60 },
      { enabled: false, checkpointAgeSeconds: 600 },
      [],
    ],
    ['failed flow', {}, { status: 'failed', lastError: 'boom' }, ['flow_failed']],
    ['failed, but off', { onFailed: false }, { status: 'failed' }, []],
    [
      'several at once',
      { lagRecordsMax: 1, lagSecondsMax: 1 },
      { lagRecords: 5, lagSeconds: 5 },
      ['lag_records', 'lag_seconds'],
    ],
  ])('%s', (_n, r, s, kinds) => {
    expect(crossings('f', rules(r), { ...calm, ...s }).map((c) => c.kind)).toEqual(kinds);
  });
  it('says what crossed in words', () => {
    expect(crossings('demo', rules({ lagRecordsMax: 50 }), { ...calm, lagRecords: 120 })[0]?.message).toBe(
      'demo: 120 records not yet replicated (threshold 50)',
    );
  });
});

describe('alertTransitions', () => {
  const c = (kind: AlertKind) => ({ kind, value: 1, threshold: 0, message: kind });
  it.each<[AlertKind[], AlertKind[], AlertKind[], AlertKind[]]>([
    [['lag_records'], [], ['lag_records'], []],
    [['lag_records'], ['lag_records'], [], []],
    [[], ['lag_records'], [], ['lag_records']],
    [['lag_seconds'], ['lag_records'], ['lag_seconds'], ['lag_records']],
  ])('crossed %o, firing %o → fire %o, resolve %o', (now, firing, fire, resolve) => {
    const t = alertTransitions(now.map(c), new Set(firing));
    expect(t.fire.map((x) => x.kind)).toEqual(fire);
    expect(t.resolve).toEqual(resolve);
  });
});

describe('webhookBackoffMs', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [4, 8000],
    [20, 300_000],
  ])('after %i failed attempts waits %i ms', (n, ms) => expect(webhookBackoffMs(n)).toBe(ms));
});

describe('alertRulesSchema', () => {
  it('refuses a negative threshold naming the field', () => {
    const r = alertRulesSchema.safeParse({ lagSecondsMax: -1 });
    expect(r.error?.issues[0]?.path).toEqual(['lagSecondsMax']);
  });
});

describe('webhookUrlProblem', () => {
  it.each([
    ['http://127.0.0.1:8080/hook', null],
    ['https://alerts.example.com/ferry', null],
    ['http://[::1]:9000/x', null],
    ['ftp://example.com/', 'only http:// and https:// URLs are allowed'],
    ['nope', 'not a URL'],
    ['http://u:p@example.com/', 'put no credentials in the URL; the HMAC signature authenticates Ferry'],
    ['http://169.254.169.254/latest/meta-data', 'link-local addresses are not allowed'],
    ['http://[fe80::1]/', 'link-local addresses are not allowed'],
    ['http://metadata.google.internal/', 'cloud metadata addresses are not allowed'],
  ])('%s → %s', (url, problem) => expect(webhookUrlProblem(url)).toBe(problem));
});

import { describe, expect, it } from 'vitest';
import { redact } from '../src/audit/record-audit.ts';

describe('redact (audit snapshots)', () => {
  it.each([
    [{ sasl: { username: 'u', password: 'p' } }, { sasl: { username: 'u', password: '[redacted]' } }],
    [{ tls: { caPem: 'CA', keyPem: 'KEY' } }, { tls: { caPem: 'CA', keyPem: '[redacted]' } }],
    [
      { token: 'fry_x', name: 'ci' },
      { token: '[redacted]', name: 'ci' },
    ],
    [[{ secret: 's' }], [{ secret: '[redacted]' }]],
    [
      { hasPassword: true, enabled: false },
      { hasPassword: true, enabled: false },
    ],
    [null, null],
  ])('%j → %j', (input, expected) => expect(redact(input)).toEqual(expected));
});

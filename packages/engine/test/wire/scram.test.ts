import { describe, expect, it } from 'vitest';
import { ScramClient } from '../../src/wire/scram.ts';

describe('SCRAM client (RFC 5802 / RFC 7677)', () => {
  it('produces the RFC 7677 SCRAM-SHA-256 exchange byte for byte', () => {
    const c = new ScramClient('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    expect(c.first().toString()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = c.final(
      Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'),
    );
    expect(final.toString()).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(() => c.verify(Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).not.toThrow();
  });

  const bad: Array<[string, string, string, RegExp]> = [
    ['a server nonce that does not extend ours', 'r=other,s=c2FsdA==,i=4096', '', /does not extend/],
    ['a missing salt', 'r=abcX,i=4096', '', /malformed/],
    ['a server error', 'e=invalid-proof', '', /server error: invalid-proof/],
    ['a wrong server signature', 'r=abcX,s=c2FsdA==,i=16', 'v=AAAA', /signature does not match/],
  ];
  for (const [name, serverFirst, serverFinal, err] of bad)
    it(`refuses ${name}`, () => {
      const c = new ScramClient('sha512', 'u=,x', 'p', 'abc');
      expect(c.first().toString()).toBe('n,,n=u=3D=2Cx,r=abc');
      if (!serverFinal) expect(() => c.final(Buffer.from(serverFirst))).toThrow(err);
      else {
        c.final(Buffer.from(serverFirst));
        expect(() => c.verify(Buffer.from(serverFinal))).toThrow(err);
      }
    });
});

import { describe, expect, it } from 'vitest';
import { authenticateOAuthBearer, oauthBearerInitialResponse } from '../../src/wire/sasl-oauthbearer.ts';

describe('SASL OAUTHBEARER (RFC 7628)', () => {
  it('the initial response is the GS2 header, the bearer token and two ^A', () => {
    expect(oauthBearerInitialResponse('a.b.c').toString('latin1')).toBe('n,,\x01auth=Bearer a.b.c\x01\x01');
  });

  it('an empty answer ends the exchange; an error document is acknowledged with ^A, then refused', async () => {
    const sent: string[] = [];
    const sasl = { mechanism: 'oauthbearer' as const, username: 'c', token: async () => 't' };
    await authenticateOAuthBearer(
      sasl,
      async (b) => {
        sent.push(b.toString('latin1'));
        return Buffer.alloc(0);
      },
      'h:1',
    );
    expect(sent).toEqual(['n,,\x01auth=Bearer t\x01\x01']);
    sent.length = 0;
    const answers = [Buffer.from('{"status":"invalid_token"}'), Buffer.alloc(0)];
    const err = await authenticateOAuthBearer(
      sasl,
      async (b) => {
        sent.push(b.toString('latin1'));
        return answers.shift()!;
      },
      'h:1',
    ).catch((e: unknown) => e as Error & { name: string; code: number });
    expect(sent).toEqual(['n,,\x01auth=Bearer t\x01\x01', '\x01']);
    expect(err).toMatchObject({ name: 'SASL_AUTHENTICATION_FAILED', code: 58 });
    expect((err as Error).message).toContain('invalid_token');
  });

  it('a token source that fails is an authentication failure naming it, no round sent', async () => {
    let rounds = 0;
    const err = await authenticateOAuthBearer(
      {
        mechanism: 'oauthbearer',
        username: 'c',
        token: async () => {
          throw new Error('endpoint down');
        },
      },
      async () => {
        rounds++;
        return Buffer.alloc(0);
      },
      'h:1',
    ).catch((e: unknown) => e as Error);
    expect(rounds).toBe(0);
    expect((err as Error).message).toMatch(/no OAuth token: endpoint down/);
  });
});

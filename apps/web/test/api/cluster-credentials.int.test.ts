import { clusterSecrets, schema } from '@ferry/db';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';
import { env } from '@/lib/env.ts';
import { call } from '../helpers.ts';
import { SASL_SECRET, type TeamFixture, teamFixture, unique } from './fixtures.ts';

/**
 * Finding 4: editing a cluster kept the stored SASL password and TLS key when bootstrap servers or protocol
 * changed, so an admin could point the cluster at their own host, press Test and receive the password.
 * Credentials now follow the endpoint, and their AES-GCM additional data binds id, bootstrap, protocol, CA.
 */
let A: TeamFixture;
const base = () => `/api/v1/teams/${A.id}`;
const row = async (id: string) =>
  (await db().select().from(schema.clusters).where(eq(schema.clusters.id, id)))[0]!;

beforeAll(async () => {
  A = await teamFixture('cred');
});

describe('stored credentials follow the endpoint', () => {
  it.each([
    ['bootstrap servers', { bootstrapServers: '127.0.0.3:29132' }],
    ['security protocol (SASL_PLAINTEXT → SASL_SSL)', { securityProtocol: 'SASL_SSL' }],
    ['CA', { tls: { caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' } }],
  ])('changing the %s without the password is refused and changes nothing', async (_, change) => {
    const before = await row(A.auth);
    const r = await call('PATCH', `${base()}/clusters/${A.auth}`, A.people.admin, {
      ...change,
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'ferry' },
    });
    expect(r.status, r.text).toBe(400);
    expect(r.json.error.issues[0].path).toBe('sasl.password');
    expect(r.json.error.message).toMatch(/type the password again/);
    expect(await row(A.auth)).toEqual(before);
  });

  it('a downgrade SASL_SSL → SASL_PLAINTEXT needs the password typed again', async () => {
    const c = await call('POST', `${base()}/clusters`, A.people.admin, {
      name: unique('ssl'),
      bootstrapServers: '127.0.0.1:29132',
      securityProtocol: 'SASL_SSL',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'ferry', password: 'only-for-tls' },
    });
    expect(c.status, c.text).toBe(201);
    const r = await call('PATCH', `${base()}/clusters/${c.json.id}`, A.people.admin, {
      securityProtocol: 'SASL_PLAINTEXT',
    });
    expect(r.status).toBe(400);
    expect(clusterSecrets(await row(c.json.id), env().keyring).saslPassword).toBe('only-for-tls');
  });

  it('with the password re-entered the move is saved, and the secret is sealed to the new endpoint', async () => {
    const r = await call('PATCH', `${base()}/clusters/${A.auth}`, A.people.admin, {
      bootstrapServers: '127.0.0.1:29132, 127.0.0.1:29132',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'ferry', password: SASL_SECRET },
    });
    expect(r.status, r.text).toBe(200);
    const t = await call('POST', `${base()}/clusters/${A.auth}/test`, A.people.operator);
    expect(t.json.ok, t.text).toBe(true);
  });

  it('the name can change freely (the endpoint stays)', async () => {
    const r = await call('PATCH', `${base()}/clusters/${A.auth}`, A.people.admin, {
      name: unique('renamed'),
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.sasl.hasPassword).toBe(true);
  });

  it('an envelope copied to another row, or a row re-pointed in the database, does not open', async () => {
    const src = await row(A.auth);
    expect(src.secrets).toMatchObject({ v: 2 });
    await db().update(schema.clusters).set({ secrets: src.secrets }).where(eq(schema.clusters.id, A.east));
    expect(() => clusterSecrets({ ...src, id: A.east }, env().keyring)).toThrow(/another cluster endpoint/);
    expect(() => clusterSecrets({ ...src, bootstrapServers: '10.9.9.9:9092' }, env().keyring)).toThrow(
      /another cluster endpoint/,
    );
    const test = await call('POST', `${base()}/clusters/${A.east}/test`, A.people.operator);
    expect(test.text).not.toContain(SASL_SECRET);
  });
});

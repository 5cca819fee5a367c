import { randomBytes } from 'node:crypto';
import { parseSecretKey, seal } from '@ferry/core/secret-box';
import { type Db, schema } from '@ferry/db';
import { testDb } from '@ferry/db/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadFlow } from '../../src/flows/load-flow.ts';

let db: Db;
let flowId = '';
const key = parseSecretKey('k1', randomBytes(32).toString('base64'));

beforeAll(async () => {
  ({ db } = await testDb(inject('dbRunId'), 'loadflow'));
  const [team] = await db.insert(schema.teams).values({ name: 'T', slug: 'loadflow' }).returning();
  const [a, b] = await db
    .insert(schema.clusters)
    .values([
      { teamId: team!.id, name: 'east', bootstrapServers: '127.0.0.1:1, 127.0.0.1:2' },
      {
        teamId: team!.id,
        name: 'auth',
        bootstrapServers: '127.0.0.1:3',
        securityProtocol: 'SASL_PLAINTEXT',
        settings: { sasl: { mechanism: 'SCRAM-SHA-512', username: 'ferry' } },
        secrets: seal({ saslPassword: 'ferry-secret' }, key) as unknown as Record<string, string>,
      },
    ])
    .returning();
  const [f] = await db
    .insert(schema.flows)
    .values({
      teamId: team!.id,
      name: 'f',
      sourceClusterId: a!.id,
      targetClusterId: b!.id,
      enabled: true,
      config: { topics: ['orders.*'], tasksMax: 3 },
    })
    .returning();
  flowId = f!.id;
});
afterAll(() => db?.$client.end());

describe('loadFlow', () => {
  it('resolves clusters, opens secrets with the keyring and fills MM2 defaults', async () => {
    const flow = await loadFlow(db, flowId, [key]);
    expect(flow.source).toMatchObject({
      alias: 'east',
      bootstrapServers: ['127.0.0.1:1', '127.0.0.1:2'],
      securityProtocol: 'PLAINTEXT',
    });
    expect(flow.target.sasl).toEqual({
      mechanism: 'SCRAM-SHA-512',
      username: 'ferry',
      password: 'ferry-secret',
    });
    expect(flow.config).toMatchObject({
      topics: ['orders.*'],
      tasksMax: 3,
      separator: '.',
      replicationPolicy: 'default',
    });
  });

  it('says what is missing when the worker has no key or the flow is gone', async () => {
    await expect(loadFlow(db, flowId, [])).rejects.toMatchObject({
      code: 'SECRETS_UNREADABLE',
      message: expect.stringContaining('cluster auth'),
    });
    const other = parseSecretKey('k2', randomBytes(32).toString('base64'));
    await expect(loadFlow(db, flowId, [other])).rejects.toThrow(/no secret key with id "k1"/);
    await expect(loadFlow(db, '00000000-0000-0000-0000-000000000000', [key])).rejects.toMatchObject({
      code: 'FLOW_NOT_FOUND',
    });
  });
});

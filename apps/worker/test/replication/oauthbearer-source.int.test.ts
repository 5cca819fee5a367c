import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseSecretKey } from '@ferry/core/secret-box';
import { createCluster, type Db, schema, type TeamContext } from '@ferry/db';
import { testDb } from '@ferry/db/testing';
import { kafkajsConfig, startDedicatedBroker, waitFor } from '@ferry/testkit';
import { type OAuthServer, startOAuthServer, tokenValidation } from '@ferry/testkit/oauth-server';
import { makeRecords, readTopic, toMessage } from '@ferry/testkit/records';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { WorkerFleet } from '@ferry/testkit/worker-fleet';
import { eq } from 'drizzle-orm';
import { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectSameRecords } from '../fixtures/managed.ts';

/*
 * A managed flow whose source is an OAUTHBEARER cluster stored through the control plane's own path
 * (createCluster: client secret sealed, bound to the token endpoint): a real worker opens the secret, gets
 * tokens from a real OAuth server (oidc-provider, client_credentials) and replicates from a dedicated broker
 * whose OAUTH listener validates them, to the stack's west. Records are written on the broker's PLAINTEXT
 * listener and read back on west by a second client.
 */
let oauth: OAuthServer;
let broker: Awaited<ReturnType<typeof startDedicatedBroker>>;
let db: Db;
let dbUrl = '';
let fleet: WorkerFleet | undefined;
let ctx: TeamContext;

beforeAll(async () => {
  oauth = await startOAuthServer();
  broker = await startDedicatedBroker(
    {
      name: 'oauthflow',
      security: 'PLAINTEXT',
      oauthbearer: tokenValidation(oauth),
    },
    { onProgress: (m) => process.stderr.write(`oauth broker: ${m}\n`) },
  );
  ({ db, url: dbUrl } = await testDb(inject('dbRunId'), 'oauthflow'));
}, 180_000);

afterAll(async () => {
  await fleet?.stopAll();
  await broker?.stop();
  await oauth?.close();
  await db?.$client.end();
});

afterEach(async (c) => {
  if (c.task.result?.state !== 'fail' || !fleet) return;
  for (const r of await db.select().from(schema.flowTasks))
    console.log(`task t${r.taskIndex} g${r.generation} ${r.state} ${r.lastError ?? ''}`);
  for (const { line } of fleet.lines.slice(-80))
    console.log(`${line.component} ${line.msg} ${line.reason ?? line.err ?? line.code ?? ''}`);
});

async function produceOnBroker(topic: string, partitions: number, records: ReturnType<typeof makeRecords>) {
  const kafka = new Kafka(kafkajsConfig(broker.cluster, uniqueName('writer')));
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
  const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  await p.send({ topic, acks: -1, messages: records.map(toMessage) });
  await p.disconnect();
}

describe('a managed flow from an OAUTHBEARER cluster', () => {
  it('replicates every record, the worker logging in with tokens from the endpoint', async () => {
    const keyB64 = randomBytes(32).toString('base64');
    const keyring = [parseSecretKey('test', keyB64)];
    const [team] = await db
      .insert(schema.teams)
      .values({ name: 'T', slug: uniqueName('team') })
      .returning();
    ctx = {
      db,
      teamId: team!.id,
      role: 'owner',
      actor: { type: 'system', id: null, name: 'test', ip: null },
      keyring,
    };
    const source = await createCluster(ctx, {
      name: 'idp',
      bootstrapServers: broker.cluster.oauthbearer!.bootstrap,
      securityProtocol: 'SASL_PLAINTEXT',
      sasl: {
        mechanism: 'OAUTHBEARER',
        tokenEndpointUrl: oauth.tokenEndpointUrl,
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        scope: oauth.scope,
      },
    });
    const target = await createCluster(ctx, {
      name: 'west',
      bootstrapServers: testCluster('west').bootstrap,
      securityProtocol: 'PLAINTEXT',
    });

    const topic = uniqueName('oauth');
    const sent = makeRecords(300, 3, 'o');
    await produceOnBroker(topic, 3, sent);

    const issuedBefore = oauth.issued();
    fleet = new WorkerFleet(join(import.meta.dirname, '..', '..', 'src', 'main.ts'), {
      DATABASE_URL: dbUrl,
      FERRY_REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      FERRY_SECRET_KEY: keyB64,
      FERRY_SECRET_KEY_ID: 'test',
      FERRY_DISCOVERY_INTERVAL_MS: '2000',
    });
    await fleet.start('w1');
    const [flow] = await db
      .insert(schema.flows)
      .values({
        teamId: ctx.teamId,
        name: uniqueName('flow'),
        sourceClusterId: source.id,
        targetClusterId: target.id,
        enabled: true,
        config: { topics: [topic], tasksMax: 1, exactlyOnce: true, checkpointsIntervalSeconds: 1 },
      })
      .returning();

    const got = await readTopic(
      'west',
      `idp.${topic}`,
      new Map([0, 1, 2].map((p) => [p, 100])),
      120_000,
      2000,
    );
    expectSameRecords(sent, got);
    // the worker got its tokens from the endpoint (the test wrote on the PLAINTEXT listener, without any)
    expect(oauth.issued()).toBeGreaterThan(issuedBefore);
    await waitFor(
      async () => {
        const [f] = await db.select().from(schema.flows).where(eq(schema.flows.id, flow!.id));
        return f?.status === 'running';
      },
      { timeoutMs: 30_000, what: 'the flow to report running' },
    );
    // the secret never reached a log line
    expect(fleet.lines.some((l) => JSON.stringify(l.line).includes(oauth.clientSecret))).toBe(false);
  });
});

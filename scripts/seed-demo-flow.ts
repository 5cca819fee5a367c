// `npm start` step: registers the dev stack's east and west clusters in the demo team, creates the topic
// demo.orders on east and an enabled flow east->west for demo.*, once (idempotent). docker-compose.yml runs it
// with FERRY_DEMO_EAST_BOOTSTRAP / FERRY_DEMO_WEST_BOOTSTRAP naming its own brokers instead of the stack's.
import { defaultFlowConfig } from '@ferry/core';
import { createDb, databaseUrl, listUserTeams, schema } from '@ferry/db';
import { defaultStackOptions, kafkajsConfig, stackCluster } from '@ferry/testkit';
import { and, eq } from 'drizzle-orm';
import { Kafka } from 'kafkajs';

if (process.env.NODE_ENV === 'production' && process.env.FERRY_DEMO_SEED !== '1') {
  console.error(
    'ferry seed: refusing to seed the demo flow with NODE_ENV=production (FERRY_DEMO_SEED=1 forces it)',
  );
  process.exit(2);
}
const email = process.env.FERRY_DEMO_EMAIL ?? 'demo@ferry.local';
const db = createDb(databaseUrl(), 2);
try {
  const [user] = await db.select().from(schema.users).where(eq(schema.users.email, email));
  if (!user) throw new Error(`demo user ${email} not found: run the web seed first`);
  const team = (await listUserTeams(db, user.id))[0];
  if (!team) throw new Error(`demo user ${email} has no team`);
  const stack = defaultStackOptions();
  const override = (name: string) => process.env[`FERRY_DEMO_${name.toUpperCase()}_BOOTSTRAP`];
  const bootstrapOf = (name: string) => override(name) ?? stackCluster(stack, name).bootstrap;
  const ids: Record<string, string> = {};
  for (const name of ['east', 'west']) {
    const [found] = await db
      .select()
      .from(schema.clusters)
      .where(and(eq(schema.clusters.teamId, team.id), eq(schema.clusters.name, name)));
    ids[name] =
      found?.id ??
      (
        await db
          .insert(schema.clusters)
          .values({ teamId: team.id, name, bootstrapServers: bootstrapOf(name) })
          .returning()
      )[0]!.id;
  }
  const eastOverride = override('east');
  const admin = new Kafka(
    eastOverride
      ? { clientId: 'ferry-demo-seed', brokers: [eastOverride], logLevel: 0 }
      : kafkajsConfig(stackCluster(stack, 'east'), 'ferry-demo-seed'),
  ).admin();
  await admin.connect();
  if (!(await admin.listTopics()).includes('demo.orders')) {
    await admin.createTopics({ topics: [{ topic: 'demo.orders', numPartitions: 6 }], waitForLeaders: true });
  }
  await admin.disconnect();
  const [flow] = await db
    .select()
    .from(schema.flows)
    .where(and(eq(schema.flows.teamId, team.id), eq(schema.flows.name, 'demo east->west')));
  if (!flow) {
    const [created] = await db
      .insert(schema.flows)
      .values({
        teamId: team.id,
        name: 'demo east->west',
        sourceClusterId: ids.east!,
        targetClusterId: ids.west!,
        enabled: true,
        // Checkpoints every 10 s so the demo consumer group (scripts/demo-producer.ts) shows on the groups
        // page, the readiness panel and the checkpoint-latency chart within the first minute.
        config: {
          ...defaultFlowConfig(),
          topics: ['demo\\..*'],
          tasksMax: 2,
          exactlyOnce: true,
          checkpointsIntervalSeconds: 10,
          syncGroupOffsetsIntervalSeconds: 30,
        },
      })
      .returning();
    // Alert thresholds of the demo: lagging once 30 s or 5,000 records behind.
    await db
      .insert(schema.flowAlertRules)
      .values({ flowId: created!.id, lagRecordsMax: 5000, lagSecondsMax: 30, checkpointAgeSecondsMax: 120 })
      .onConflictDoNothing();
    console.log('ferry seed: demo flow "demo east->west" created and enabled (topics demo.*)');
  } else {
    console.log('ferry seed: demo flow exists');
  }
} finally {
  await db.$client.end();
}

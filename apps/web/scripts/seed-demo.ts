/**
 * Migrates the database and creates a demo user owning a demo team, once. Prints the sign-in only when it
 * creates the user (idempotent: later runs print nothing but "demo user exists").
 *   node apps/web/scripts/seed-demo.ts        (DATABASE_URL, FERRY_DEMO_EMAIL, FERRY_DEMO_PASSWORD optional)
 */
import { createDb, listUserTeams, migrateDatabase, schema } from '@ferry/db';
import { eq } from 'drizzle-orm';

// A demo owner with a well-known password is a back door on a real installation: refused under
// NODE_ENV=production unless FERRY_DEMO_SEED=1 says it is wanted (finding 8 of docs/security.md).
if (process.env.NODE_ENV === 'production' && process.env.FERRY_DEMO_SEED !== '1') {
  console.error(
    'ferry seed: refusing to create the demo user with NODE_ENV=production (set FERRY_DEMO_SEED=1 to force it)',
  );
  process.exit(2);
}
(process.env as Record<string, string | undefined>).NODE_ENV ??= 'development';
// The seed is the operator's own script: it may create the demo account on an install that already has users.
process.env.FERRY_ALLOW_SIGNUP = '1';
const email = process.env.FERRY_DEMO_EMAIL ?? 'demo@ferry.local';
const password = process.env.FERRY_DEMO_PASSWORD ?? 'ferry-demo-password';

const { env } = await import('../lib/env.ts');
await migrateDatabase(env().databaseUrl);
const db = createDb(env().databaseUrl, 2);
try {
  const [existing] = await db.select().from(schema.users).where(eq(schema.users.email, email));
  if (existing) {
    console.log(`ferry seed: demo user ${email} exists`);
  } else {
    const { auth } = await import('../lib/auth.ts');
    const { user } = await auth().api.signUpEmail({ body: { email, password, name: 'Demo' } });
    const teams = await listUserTeams(db, user.id);
    const { createTeam } = await import('@ferry/db');
    if (teams.length === 0) await createTeam(db, user.id, 'Demo team');
    else await db.update(schema.teams).set({ name: 'Demo team' }).where(eq(schema.teams.id, teams[0]!.id));
    console.log(`\n  Ferry demo sign-in (shown once):\n    email:    ${email}\n    password: ${password}\n`);
  }
} finally {
  await db.$client.end();
  const { db: appDb } = await import('../lib/db.ts');
  await appDb()
    .$client.end()
    .catch(() => {});
}

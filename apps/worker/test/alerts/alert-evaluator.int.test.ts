import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSecretKey, seal } from '@ferry/core/secret-box';
import { type Db, schema } from '@ferry/db';
import { seedFlow, testDb } from '@ferry/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { evaluateAlerts, sendDueWebhooks, signWebhook } from '../../src/alerts/alert-evaluator.ts';

/** Alerts on real Postgres and deliveries to a real local HTTP receiver (no fetch mock). */
let db: Db;
let flowId = '';
let teamId = '';
const key = parseSecretKey('k1', Buffer.from('alert-test-secret-key-32-bytes!!').toString('base64'));
const got: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
let answers: number[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    got.push({ headers: req.headers, body });
    res.writeHead(answers.shift() ?? 200).end();
  });
});

beforeAll(async () => {
  ({ db } = await testDb(inject('dbRunId'), 'alerts'));
  ({ flowId, teamId } = await seedFlow(db, { enabled: true, status: 'running' }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await db.insert(schema.teamWebhooks).values({
    teamId,
    url: `http://127.0.0.1:${port}/hook`,
    secret: seal({ secret: 'whsec_test' }, key) as unknown as Record<string, unknown>,
  });
  await db.insert(schema.flowAlertRules).values({ flowId, lagRecordsMax: 50 });
});
afterAll(async () => {
  server.close();
  await db?.$client.end();
});

const sample = (at: number, lagRecords: number) =>
  db.insert(schema.flowMetricSamples).values({ flowId, resolution: 'raw', at: new Date(at), lagRecords });

describe('alert evaluator', () => {
  it('fires on two consecutive crossing samples, delivers signed with retries, and resolves', async () => {
    const t = Math.floor(Date.now() / 5000) * 5000;
    await sample(t - 10_000, 10);
    await sample(t - 5000, 120); // one sample over: not yet
    expect(await evaluateAlerts(db, t)).toEqual({ fired: 0, resolved: 0 });
    await sample(t, 130);
    expect(await evaluateAlerts(db, t + 1)).toEqual({ fired: 1, resolved: 0 });
    expect(await evaluateAlerts(db, t + 2)).toEqual({ fired: 0, resolved: 0 }); // once while firing

    answers = [503];
    const n1 = Date.now() + 100; // deliveries are due from their insertion (the database's clock)
    expect(await sendDueWebhooks(db, [key], n1)).toBe(1);
    let [d] = await db.select().from(schema.webhookDeliveries);
    expect(d).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastStatus: 503,
      lastError: 'the receiver answered 503',
    });
    expect(await sendDueWebhooks(db, [key], n1 + 500)).toBe(0); // backing off 1 s
    expect(await sendDueWebhooks(db, [key], n1 + 1500)).toBe(1);
    [d] = await db.select().from(schema.webhookDeliveries);
    expect(d).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 200 });
    const last = got[got.length - 1]!;
    const event = JSON.parse(last.body);
    expect(event).toMatchObject({
      type: 'alert.fired',
      alert: { kind: 'lag_records', value: 120, threshold: 50 },
    });
    const ts = String(last.headers['x-ferry-timestamp']);
    expect(last.headers['x-ferry-signature']).toBe(signWebhook('whsec_test', ts, last.body));

    await sample(t + 5000, 0); // one sample under: still firing
    expect(await evaluateAlerts(db, t + 5001)).toEqual({ fired: 0, resolved: 0 });
    await sample(t + 10_000, 0);
    expect(await evaluateAlerts(db, t + 10_001)).toEqual({ fired: 0, resolved: 1 });
    const alerts = await db.select().from(schema.flowAlerts).where(eq(schema.flowAlerts.flowId, flowId));
    expect(alerts.map((a) => a.state)).toEqual(['resolved']);
    expect(await sendDueWebhooks(db, [key], Date.now() + 1000)).toBe(1);
    expect(JSON.parse(got[got.length - 1]!.body).type).toBe('alert.resolved');
  });
});

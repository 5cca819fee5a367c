import { db } from '@/lib/db.ts';

export const dynamic = 'force-dynamic';

/** Liveness and database reachability. */
export async function GET() {
  try {
    await db().$client.query('select 1');
    return Response.json({ status: 'ok', database: 'ok' });
  } catch {
    return Response.json({ status: 'degraded', database: 'unreachable' }, { status: 503 });
  }
}

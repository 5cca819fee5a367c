import { hostname } from 'node:os';
import { and, eq, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import * as schema from '../schema/index.ts';

export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
  version: string;
  startedAt: Date;
}

export function workerIdentity(version: string): WorkerIdentity {
  return {
    id: `${hostname()}-${process.pid}-${Date.now().toString(36)}`,
    host: hostname(),
    pid: process.pid,
    version,
    startedAt: new Date(),
  };
}

/** The workers table: one row per process, refreshed by heartbeats; rows that stop beating are marked dead. */
export class WorkerRegistry {
  readonly db: Db;
  readonly me: WorkerIdentity;

  constructor(db: Db, me: WorkerIdentity) {
    this.db = db;
    this.me = me;
  }

  async heartbeat(
    tasks: string[],
    state: 'running' | 'draining' = 'running',
    now = new Date(),
  ): Promise<void> {
    const w = schema.workers;
    await this.db
      .insert(w)
      .values({ ...this.me, lastHeartbeatAt: now, tasks, state })
      .onConflictDoUpdate({ target: w.id, set: { lastHeartbeatAt: now, tasks, state } });
  }

  async leave(): Promise<void> {
    await this.db
      .update(schema.workers)
      .set({ state: 'stopped', tasks: [] })
      .where(eq(schema.workers.id, this.me.id));
  }

  /** Marks workers whose last heartbeat is older than `deadAfterMs` as dead; returns their ids. */
  static async markDead(db: Db, deadAfterMs: number, now = Date.now()): Promise<string[]> {
    const w = schema.workers;
    const rows = await db
      .update(w)
      .set({ state: 'dead', tasks: [] })
      .where(
        and(lt(w.lastHeartbeatAt, new Date(now - deadAfterMs)), ne(w.state, 'dead'), ne(w.state, 'stopped')),
      )
      .returning({ id: w.id });
    return rows.map((r) => r.id);
  }

  /** Forgets workers gone for longer than `forgetAfterMs` so the list stays short. */
  static async prune(db: Db, forgetAfterMs: number, now = Date.now()): Promise<void> {
    await db
      .delete(schema.workers)
      .where(sql`${schema.workers.lastHeartbeatAt} < ${new Date(now - forgetAfterMs)}`);
  }
}

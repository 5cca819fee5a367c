import type { Redis } from 'ioredis';

/**
 * Live workers, as a Redis sorted set scored by the last heartbeat time. A worker that stops beating
 * (SIGKILL) drops out after `ttlMs`. Nothing durable: a Redis restart loses it and the next beats rebuild it.
 */
export class WorkerPresence {
  readonly key: string;
  readonly redis: Redis;
  readonly ttlMs: number;

  constructor(redis: Redis, prefix: string, ttlMs = 5000) {
    this.redis = redis;
    this.key = `${prefix}:workers:live`;
    this.ttlMs = ttlMs;
  }

  async beat(workerId: string, now = Date.now()): Promise<void> {
    await this.redis.zadd(this.key, now, workerId);
  }

  async leave(workerId: string): Promise<void> {
    await this.redis.zrem(this.key, workerId);
  }

  async live(now = Date.now()): Promise<string[]> {
    await this.redis.zremrangebyscore(this.key, 0, now - this.ttlMs);
    return this.redis.zrangebyscore(this.key, now - this.ttlMs, '+inf');
  }
}

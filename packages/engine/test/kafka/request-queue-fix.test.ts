import RequestQueue from 'kafkajs/src/network/requestQueue/index.js';
import { describe, expect, it } from 'vitest';
import { fixRequestQueueTimerLoop } from '../../src/kafka/request-queue-fix.ts';

/*
 * kafkajs's own RequestQueue (no broker needed), with Ferry's replacement of scheduleCheckPendingRequests: an idle
 * queue arms no timer (kafkajs 2.2.4 re-armed a 1 ms one forever after the first answer), and a request queued
 * behind a broker's throttle still goes out once the throttle ends.
 */
interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  fulfillRequest(r: { correlationId: number; payload: Buffer | null; size: number }): void;
  maybeThrottle(ms: number): void;
  push(r: unknown): void;
  destroy(): void;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function queue(): Queue {
  fixRequestQueueTimerLoop();
  return new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'localhost:0',
    logger: quiet,
  }) as unknown as Queue;
}

const request = (correlationId: number, onSend: () => void) => ({
  entry: {
    correlationId,
    apiKey: 3,
    apiName: 'Metadata',
    apiVersion: 0,
    resolve: () => undefined,
    reject: () => undefined,
  },
  expectResponse: false,
  sendRequest: onSend,
});

describe('kafkajs RequestQueue timer loop fix', () => {
  it('an answered request leaves no timer behind when nothing is queued', () => {
    const q = queue();
    q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.destroy();
  });

  it('a request queued behind a throttle is sent when the throttle ends', async () => {
    const q = queue();
    q.maybeThrottle(50);
    let sent = false;
    q.push(request(2, () => (sent = true)));
    expect(sent).toBe(false);
    expect(q.pending).toHaveLength(1);
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    await new Promise((r) => setTimeout(r, 150));
    expect(sent).toBe(true);
    expect(q.pending).toHaveLength(0);
    expect(q.throttleCheckTimeoutId).toBeNull(); // and nothing re-armed once the queue is empty
    q.destroy();
  });
});

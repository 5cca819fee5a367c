/// <reference path="./vendor.d.ts" />
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js';

/*
 * kafkajs 2.2.4 (unmaintained) keeps every broker connection it ever used in a 1 ms timer loop: each answered
 * request calls checkPendingRequests, which always calls scheduleCheckPendingRequests, which arms
 * `setTimeout(check, throttledUntil - Date.now())` — with throttledUntil = -1 (never throttled) a negative delay,
 * which Node turns into 1 ms (Node 24 also prints TimeoutNegativeWarning once) — and the check schedules the next
 * one (tulios/kafkajs#1704, #1751; the open PRs #1667, #1768 are not released). Measured in `ferry run` with 1,000
 * partitions (the admin clients of discovery, positions and the syncs topic): the loop's timers were the largest
 * allocator of the process, 35 MB of the 248 MB allocated in 30 s, all garbage, plus the CPU of a thousand wake-ups a
 * second per connection.
 *
 * The replacement arms a timer only when a request is waiting in the queue, and then as kafkajs meant it: at the
 * end of the broker's throttle, or after CHECK_PENDING_REQUESTS_INTERVAL (10 ms) when it waits only for an
 * in-flight slot (an answered request checks the queue anyway). With nothing queued there is nothing to check:
 * a new request either goes out at once or is queued, and queuing calls this again.
 */
const CHECK_PENDING_REQUESTS_INTERVAL = 10;

interface QueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

let patched = false;

export function fixRequestQueueTimerLoop(): void {
  if (patched) return;
  patched = true;
  const proto = (RequestQueue as unknown as { prototype: QueueInternals }).prototype;
  proto.scheduleCheckPendingRequests = function (this: QueueInternals) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL,
    );
  };
}

/**
 * When a task starts its next write (issue #10, "group commit"). A write is one target transaction (records,
 * offset syncs, positions); a task has at most one in flight. Instead of a fixed timer:
 *
 * - records buffered while no write is in flight start one after `lingerMs` (a few ms: the rest of the fetch
 *   responses that arrive together join it);
 * - records buffered while a write was in flight start the next one as soon as it ends (they have waited
 *   already: no linger), so under load the writes run back to back and each takes what arrived during the
 *   previous one;
 * - two write starts are at least `minGapMs` apart (bounds the transactions per second of a task);
 * - no buffered record waits more than `intervalMs` (`commit.interval.ms`) for its write to start, unless a
 *   write is in flight (writes are serialised: its end starts the next).
 *
 * `batch.max.bytes` (a write as soon as that much is buffered) and the periodic commit of positions alone are
 * the task runner's, not this function's.
 */
export interface CadenceSettings {
  /** `commit.linger.ms`. */
  lingerMs: number;
  /** `commit.interval.ms`: the longest a buffered record waits for its write to start. */
  intervalMs: number;
  /** Least time between two write starts; 0: none. */
  minGapMs: number;
}

export interface CadenceState {
  now: number;
  /** When the oldest record not yet in a write was buffered; undefined: no record waits. */
  oldestAt: number | undefined;
  /** A write is in flight: its end asks again. */
  writing: boolean;
  /** When the last write started and ended; undefined before the first. */
  lastStartAt?: number | undefined;
  lastEndAt?: number | undefined;
}

/** Milliseconds from `now` until the next write should start (0: now), or undefined: nothing to start. */
export function nextWriteIn(s: CadenceState, c: CadenceSettings): number | undefined {
  if (s.oldestAt === undefined || s.writing) return undefined;
  // a record that waited through a write starts the next one at once; one that found the task idle lingers
  const waitedThroughWrite = s.lastEndAt !== undefined && s.oldestAt <= s.lastEndAt;
  let due = waitedThroughWrite ? s.now : s.oldestAt + c.lingerMs;
  if (c.minGapMs > 0 && s.lastStartAt !== undefined) due = Math.max(due, s.lastStartAt + c.minGapMs);
  due = Math.min(due, s.oldestAt + c.intervalMs);
  return Math.max(0, due - s.now);
}

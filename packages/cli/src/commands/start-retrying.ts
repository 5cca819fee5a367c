/**
 * `ferry run`'s start: a runner whose start fails with a retriable error (a broker busy or restarting, a
 * DescribeConfigs timing out under load) is stopped, made again and started again after a back-off, as
 * connect-mirror-maker.sh keeps trying; a non-retriable error (wrong credentials, a bad config) ends the start.
 */

export interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartRetryingOptions<R extends Startable> {
  /** Makes a fresh runner (a failed start may leave clients behind: the old one is stopped, never reused). */
  make: () => R;
  /** Called with each runner made, so that a stop reaches the one running now. */
  onRunner: (r: R) => void;
  stopping: () => boolean;
  /** One line for the operator per failed attempt. */
  report: (line: string) => void;
  what: string;
  /** Back-off before attempt n+1 (ms); default 1 s doubling up to 30 s. */
  delayMs?: (attempt: number) => number;
  sleep?: (ms: number, stopping: () => boolean) => Promise<void>;
}

export const defaultDelayMs = (attempt: number): number => Math.min(30_000, 1000 * 2 ** attempt);

function isRetriable(e: unknown): e is Error & { retriable: true; code?: string } {
  return e instanceof Error && (e as { retriable?: unknown }).retriable === true;
}

async function sleepUnlessStopping(ms: number, stopping: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!stopping() && Date.now() < until) await new Promise((r) => setTimeout(r, Math.min(200, ms)));
}

/** Starts `first`; on a retriable failure makes another runner and tries again until it starts or a stop begins. */
export async function startRetrying<R extends Startable>(
  first: R,
  o: StartRetryingOptions<R>,
): Promise<void> {
  const delay = o.delayMs ?? defaultDelayMs;
  const sleep = o.sleep ?? sleepUnlessStopping;
  let runner = first;
  for (let attempt = 0; ; attempt++) {
    try {
      await runner.start();
      return;
    } catch (e) {
      if (!isRetriable(e) || o.stopping()) throw e;
      const ms = delay(attempt);
      o.report(
        `ferry: ${o.what}: cannot start yet: ${e.message}${e.code ? ` [${e.code}]` : ''}; trying again in ${ms / 1000} s`,
      );
      await runner.stop().catch(() => undefined);
      await sleep(ms, o.stopping);
      if (o.stopping()) return;
      runner = o.make();
      o.onRunner(runner);
    }
  }
}

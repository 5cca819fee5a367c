import { waitFor } from '@ferry/testkit';
import { createFlowRunner, type EngineEvent } from '../../src/index.ts';
import { positionsGroup } from '../../src/positions/positions.ts';
import { flowBetween } from '../helpers/kafka.ts';
import { readToEnd, withAdmin } from './drill-helpers.ts';

/**
 * Replicates `topics` with the engine's real data path (createFlowRunner) until every partition's position
 * reached the source's last committed record, then stops the runner (committing what it buffered).
 */
export async function replicateWithDataPath(
  source: string,
  target: string,
  prefix: string,
  topics: string[],
  events: EngineEvent[] = [],
): Promise<void> {
  const want = new Map<string, bigint>();
  for (const t of topics) {
    for (const [p, recs] of await readToEnd(source, t))
      if (recs.length > 0) want.set(`${source}.${t}:${p}`, recs.at(-1)!.offset + 1n);
  }
  const runner = createFlowRunner(
    flowBetween(source, target, { topics: `${prefix}\\..*`, 'tasks.max': '2' }),
    { onEvent: (e) => events.push(e) },
  );
  await runner.start();
  try {
    await waitFor(
      () =>
        withAdmin(target, async (a) => {
          const res = await a.fetchOffsets({
            groupId: positionsGroup(source, target),
            topics: topics.map((t) => `${source}.${t}`),
          });
          const got = new Map(
            res.flatMap((t) =>
              t.partitions.map((p): [string, bigint] => [
                `${t.topic}:${p.partition}`,
                p.offset === '-1' ? -1n : BigInt(p.offset),
              ]),
            ),
          );
          return [...want].every(([k, n]) => (got.get(k) ?? -1n) >= n);
        }),
      { timeoutMs: 60_000, intervalMs: 200, what: `the data path to replicate ${topics.join(', ')}` },
    );
  } finally {
    await runner.stop();
  }
}

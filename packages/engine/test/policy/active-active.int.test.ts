import { waitFor } from '@ferry/testkit';
import { REPLICATION_PAIRS, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowRunner, type EngineEvent, type FlowRunner } from '../../src/index.ts';
import {
  byPartition,
  counts,
  createTopic,
  flowBetween,
  listTopics,
  makeRecords,
  produce,
  readTopic,
} from '../helpers/kafka.ts';

describe.each(REPLICATION_PAIRS)('active/active $label ($source <-> $target)', ({ source: a, target: b }) => {
  const runners: FlowRunner[] = [];
  afterEach(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    runners.length = 0;
  });

  it('replicates both ways and never sends a topic back where it came from', async () => {
    const tag = uniqueName('aa');
    // the filter matches remote topics too: only cycle detection keeps them home
    const extra = { topics: `.*${tag}.*`, 'refresh.topics.interval.seconds': '1' };
    await createTopic(a, `${tag}.orders`, 2);
    await createTopic(b, `${tag}.payments`, 2);
    const orders = makeRecords(200, 2, 'orders');
    const payments = makeRecords(200, 2, 'payments');
    await produce(a, `${tag}.orders`, orders);
    await produce(b, `${tag}.payments`, payments);

    const refreshes = { ab: 0, ba: 0 };
    const count = (k: 'ab' | 'ba') => (e: EngineEvent) => {
      if (e.type === 'topics-refreshed') refreshes[k]++;
    };
    runners.push(createFlowRunner(flowBetween(a, b, extra), { onEvent: count('ab') }));
    runners.push(createFlowRunner(flowBetween(b, a, extra), { onEvent: count('ba') }));
    await Promise.all(runners.map((r) => r.start()));

    const o = byPartition(orders);
    const p = byPartition(payments);
    expect(await readTopic(b, `${a}.${tag}.orders`, counts(o))).toEqual(o);
    expect(await readTopic(a, `${b}.${tag}.payments`, counts(p))).toEqual(p);
    // both flows have now seen the other's remote topics in at least two more discovery rounds
    const seen = { ...refreshes };
    await waitFor(() => refreshes.ab >= seen.ab + 2 && refreshes.ba >= seen.ba + 2, {
      timeoutMs: 30_000,
      what: 'two more discovery rounds per flow',
    });
    const onA = (await listTopics(a)).filter((t) => t.includes(tag)).sort();
    const onB = (await listTopics(b)).filter((t) => t.includes(tag)).sort();
    expect(onA).toEqual([`${tag}.orders`, `${b}.${tag}.payments`].sort());
    expect(onB).toEqual([`${a}.${tag}.orders`, `${tag}.payments`].sort());
    for (const r of runners)
      expect(
        r
          .assignment()
          .flat()
          .filter((tp) => tp.topic.includes(tag))
          .every((tp) => tp.topic.startsWith(tag)),
      ).toBe(true);
  });
});

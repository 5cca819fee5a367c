import { waitFor } from '@ferry/testkit';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FetchedChunk } from '../../src/datapath/assigned-fetch.ts';
import { BatchWriter } from '../../src/datapath/batch-writer.ts';
import type { EngineEvent, FlowRunner } from '../../src/index.ts';
import { TaskRunner } from '../../src/tasks/task-runner.ts';
import { startFlowRunner } from '../helpers/flow-runner.ts';
import { createTopic, flowBetween } from '../helpers/kafka.ts';
import { type JavaConsumed, javaConsume, javaProduce } from '../records/java-tool.ts';

/*
 * The commit cadence (tasks/commit-cadence.ts) against a real broker: with `commit.interval.ms` far longer than
 * the test, every write seen here was started by the cadence, not by the timer. The task's own BatchWriter
 * writes; the test only watches its `write` calls (when each started and ended, how many records it carried)
 * and, in one test, holds the first write back before it goes to the broker until more records were fetched, so
 * that records arrive while it is in flight. The source records are written by the Java producer (RecordsTool
 * `produce`: null and empty keys and values, headers with nulls and repeats, timestamps going back); the remote
 * topic is read back with the Java consumer and compared with the source, record by record.
 */

interface Write {
  start: number;
  end?: number;
  records: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `count` records from the Java producer into partition 0 of `topic` on east, in one batch (a long linger: the
 * producer's final flush sends them together; with its default a slow JVM sends the first record alone), returns
 * once they are acked.
 */
function write(topic: string, count: number): Promise<void> {
  return javaProduce(testCluster('east').bootstrap, topic, 0, count, 'none', { lingerMs: 10_000 });
}

/** What a copy keeps of a record (offsets differ: the target's transaction markers take offsets too). */
function strip(r: JavaConsumed) {
  const { offset: _o, ...kept } = r;
  return kept;
}

/** The remote topic holds exactly the source's records, in order (both read by the Java consumer). */
async function expectCopied(topic: string, count: number): Promise<void> {
  const [source, target] = await Promise.all([
    javaConsume(testCluster('east').bootstrap, topic, 1, count),
    javaConsume(testCluster('west').bootstrap, `east.${topic}`, 1, count),
  ]);
  expect(source).toHaveLength(count);
  expect(target.map(strip)).toEqual(source.map(strip));
}

/**
 * Watches the task's writes, counting the records of `topic` only (the flow also copies the source's heartbeats
 * topic, whatever its filter, so a write may carry heartbeats other flows of the suite left on east);
 * `holdFirst` (when given) keeps the first write with records of `topic` back until it resolves.
 */
function watchWrites(topic: string, holdFirst?: () => Promise<void>): Write[] {
  const writes: Write[] = [];
  const original = BatchWriter.prototype.write;
  let held = false;
  vi.spyOn(BatchWriter.prototype, 'write').mockImplementation(async function (
    this: BatchWriter,
    ...args: Parameters<BatchWriter['write']>
  ) {
    const [items] = args;
    const w: Write = {
      start: Date.now(),
      records: items
        .filter((it) => it.sourceTopic === topic)
        .reduce((n, it) => n + it.batches.reduce((m, b) => m + b.header.recordCount, 0), 0),
    };
    writes.push(w);
    try {
      if (!held && w.records > 0 && holdFirst) {
        held = true;
        await holdFirst();
      }
      return await original.apply(this, args);
    } finally {
      w.end = Date.now();
    }
  });
  return writes;
}

/** Records of `topic` the task was handed by its fetcher (watched, not changed). */
function watchFetched(topic: string): { n: number } {
  const fetched = { n: 0 };
  const proto = TaskRunner.prototype as unknown as { onChunk: (c: FetchedChunk) => Promise<void> };
  const original = proto.onChunk;
  vi.spyOn(proto, 'onChunk').mockImplementation(async function (this: unknown, c: FetchedChunk) {
    await original.call(this, c);
    if (c.topic === topic) for (const b of c.batches) fetched.n += b.header.recordCount;
  });
  return fetched;
}

/** Writes never overlap: each starts after the previous one ended. */
function expectSerialised(writes: Write[]): void {
  for (let i = 1; i < writes.length; i++)
    expect(writes[i]!.start).toBeGreaterThanOrEqual(writes[i - 1]!.end!);
}

describe('the commit cadence of a task', () => {
  let runner: FlowRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    vi.restoreAllMocks();
  });

  async function startFlow(topic: string, extra: Record<string, string>): Promise<EngineEvent[]> {
    await createTopic('east', topic, 1);
    const events: EngineEvent[] = [];
    const flow = flowBetween('east', 'west', {
      topics: topic,
      'tasks.max': '1',
      'commit.interval.ms': '600000',
      ...extra,
    });
    runner = await startFlowRunner(flow, events);
    return events;
  }

  it('commits records that find the task idle after the linger, not at commit.interval.ms', async () => {
    const topic = uniqueName('cadence-idle');
    const writes = watchWrites(topic);
    const events = await startFlow(topic, {});
    await write(topic, 3);
    const producedAt = Date.now();
    const data = () => writes.filter((w) => w.records > 0);
    await waitFor(() => data().some((w) => w.end) && events.some((e) => e.type === 'committed'), {
      timeoutMs: 20_000,
      what: 'the records to be committed (the 600 s timer cannot have fired)',
    });
    const committedAt = Date.now();
    expect(data().map((w) => w.records)).toEqual([3]);
    // the linger is 5 ms; what is left is the fetch and the transaction, on a shared, loaded machine
    expect(committedAt - producedAt).toBeLessThan(10_000);
    expectSerialised(writes);
    await expectCopied(topic, 3);
  });

  it('starts the next write as soon as the one in flight ends when records arrived during it', async () => {
    // a long linger: records that find the task idle wait 3 s; records that arrive during a write must not
    const topic = uniqueName('cadence-busy');
    const fetched = watchFetched(topic);
    let release = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    const writes = watchWrites(topic, () => released);
    await startFlow(topic, { 'commit.linger.ms': '3000' });
    const sentAt = Date.now();
    await write(topic, 5);
    await waitFor(() => writes.some((w) => w.records > 0), {
      timeoutMs: 20_000,
      what: 'the first write to start',
    });
    const w0 = writes.find((w) => w.records > 0)!;
    // written while the first write is held (before it reaches the broker): fetched and buffered meanwhile; the
    // first write goes on once the task holds them (a JVM's start takes seconds here: no fixed hold)
    try {
      await write(topic, 7);
      await waitFor(() => fetched.n >= 12, { timeoutMs: 30_000, what: 'the second records to be fetched' });
    } finally {
      release();
    }
    await waitFor(() => writes.filter((w) => w.records > 0).length >= 2 && writes.every((w) => w.end), {
      timeoutMs: 30_000,
      what: 'the second write to end',
    });
    const w1 = writes.filter((w) => w.records > 0)[1]!;
    expect(w0.records).toBe(5);
    // the first records found the task idle: their write started after the linger (timers fire on time or late)
    expect(w0.start - sentAt).toBeGreaterThanOrEqual(2950);
    // the next write is the second records', right after the first ended: no linger, no timer
    expect(w1.records).toBe(7);
    expect(w1.start - w0.end!).toBeLessThan(1000);
    expectSerialised(writes);
    await expectCopied(topic, 12);
  });

  it('commits what is buffered when stopped before the linger is over', async () => {
    const topic = uniqueName('cadence-stop');
    const writes = watchWrites(topic);
    const fetched = watchFetched(topic);
    const events = await startFlow(topic, { 'commit.linger.ms': '600000' });
    await write(topic, 4);
    // fetched and buffered, never written: no write can start before 600 s
    await waitFor(() => fetched.n >= 4, { timeoutMs: 20_000, what: 'the records to be fetched' });
    await sleep(500);
    expect(writes.filter((w) => w.records > 0)).toEqual([]);
    await runner!.stop();
    runner = undefined;
    expect(writes.filter((w) => w.records > 0).map((w) => w.records)).toEqual([4]);
    expect(events.some((e) => e.type === 'committed')).toBe(true);
    await expectCopied(topic, 4);
  });
});

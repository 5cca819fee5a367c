/*
 * Replication fidelity with data written by another client: the Java client (kafka-clients of the cluster's
 * version) writes the data set of FidelityData.java to the source, a flow copies it east→west and
 * east39→west39, and the Java client reads both sides back (read_committed). Every record must match: partition,
 * order, key and value (null and empty kept apart), header list in order with null values, timestamp and its type.
 * Offsets are compared through order (compacted and transactional sources have gaps the target does not).
 */
import { REPLICATION_PAIRS, uniqueName } from '@ferry/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlowRunner, type EngineEvent, type FlowRunner } from '../../src/index.ts';
import { flowBetween } from '../helpers/kafka.ts';
import {
  type DumpedRecord,
  dumpTopic,
  dumpTopics,
  FIDELITY_SETS,
  firstDifference,
  perPartition,
  writeFidelityData,
} from './java-data.ts';

const hasGaps = (rs: DumpedRecord[]) => {
  const byP = new Map<number, bigint[]>();
  for (const r of rs) byP.set(r.partition, [...(byP.get(r.partition) ?? []), BigInt(r.offset)]);
  return [...byP.values()].some((os) => os.some((o, i) => i > 0 && o !== os[i - 1]! + 1n));
};

describe.each(REPLICATION_PAIRS)(
  'fidelity with Java-written data $label ($source -> $target)',
  ({ source, target }) => {
    const prefix = uniqueName('fid');
    const sourceDumps = new Map<string, DumpedRecord[]>();
    const events: EngineEvent[] = [];
    let runner: FlowRunner | undefined;

    beforeAll(async () => {
      const topics = await writeFidelityData(source, prefix);
      expect(topics).toEqual(FIDELITY_SETS.map((s) => `${prefix}.${s}`));
      for (const [t, rs] of await dumpTopics(
        source,
        topics.map((topic) => ({ topic })),
      ))
        sourceDumps.set(t, rs);
      // one task per partition: a partition that stops its task (a defect) cannot hide what the others show.
      // A unique instance: the shared test stack runs other east->west flows with the same transactional ids.
      const flow = flowBetween(source, target, { topics: `${prefix}\\..*`, 'tasks.max': '32' });
      runner = createFlowRunner(
        { ...flow, instance: prefix },
        {
          onEvent: (e) => events.push(e),
          metricsIntervalMs: 1000,
        },
      );
      await runner.start();
    }, 600_000);

    afterAll(async () => {
      await runner?.stop();
    });

    it('the source holds what the data set promises (null header values, repeats, gaps, aborts, big records)', () => {
      const plain = sourceDumps.get(`${prefix}.plain`)!;
      expect(plain.length).toBe(240);
      expect(plain.some((r) => r.headers.some(([, v]) => v === null))).toBe(true);
      expect(plain.some((r) => r.headers.map(([k]) => k).join(',') === 'a,b,a')).toBe(true);
      expect(plain.some((r) => r.headers.map(([k]) => k).join(',') === 'z,2,1,10')).toBe(true);
      expect(plain.some((r) => r.key === null) && plain.some((r) => r.value === null)).toBe(true);
      expect(plain.some((r) => r.key === '') && plain.some((r) => r.value === '')).toBe(true);
      const order = sourceDumps.get(`${prefix}.order`)!;
      expect(order.length).toBe(240);
      expect(order.some((r) => r.headers.some(([, v]) => v === null))).toBe(false);
      // aborted transactions and markers leave gaps in the committed view; cleaning leaves gaps and a log start > 0
      expect(hasGaps(sourceDumps.get(`${prefix}.txn`)!)).toBe(true);
      const compacted = sourceDumps.get(`${prefix}.compacted`)!;
      expect(hasGaps(compacted)).toBe(true);
      expect(BigInt(compacted[0]!.offset)).toBeGreaterThan(0n);
      const large = sourceDumps.get(`${prefix}.large`)!;
      expect(Math.max(...large.map((r) => Buffer.from(r.value!, 'base64').length))).toBeGreaterThan(
        1_048_000,
      );
    });

    it.each(FIDELITY_SETS)(
      '%s: every record arrives once, equal in partition, order, key, value, headers (order, nulls), timestamp and type',
      async (set) => {
        const want = sourceDumps.get(`${prefix}.${set}`)!;
        expect(want.length, 'records on the source').toBeGreaterThan(0);
        const got = await dumpTopic(target, `${source}.${prefix}.${set}`, want.length, 45_000);
        const diff = firstDifference(perPartition(want), perPartition(got));
        const failures = events
          .filter((e) => e.type === 'task-error' || e.type === 'partition-error')
          .map((e) => ('error' in e ? e.error.message : ''))
          .slice(0, 3);
        expect(diff, `${diff}\nengine errors: ${failures.join(' | ') || 'none'}`).toBeUndefined();
        expect(perPartition(got)).toEqual(perPartition(want));
      },
      120_000,
    );
  },
);

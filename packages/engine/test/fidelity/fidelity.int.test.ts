/*
 * Replication fidelity with data written by another client: the Java client (kafka-clients of the cluster's
 * version) writes the data set of FidelityData.java to the source, a flow copies it east→west and
 * east39→west39, and the Java client reads both sides back (read_committed). Every record must match: partition,
 * order, key and value (null and empty kept apart), header list in order with null values, timestamp and its type.
 * Offsets are compared through order (compacted and transactional sources have gaps the target does not).
 */
import { REPLICATION_PAIRS, uniqueName } from '@ferry/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowConfig } from '../../src/config/flow-config.ts';
import { createFlowRunner, type EngineEvent, type FlowRunner, verifyFlowRange } from '../../src/index.ts';
import { wireConfigFor } from '../../src/kafka/client.ts';
import { type RangeRecord, readRanges } from '../../src/verify/read-ranges.ts';
import { WireCluster } from '../../src/wire/index.ts';
import { flowBetween } from '../helpers/kafka.ts';
import {
  type DumpedRecord,
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
    let flow: FlowConfig;
    // every remote topic read back by one Java reader (one JVM, not one per set), each waited for up to its count
    let targetDumps: Promise<Map<string, DumpedRecord[]>> | undefined;
    const targetDump = (set: string) => {
      targetDumps ??= dumpTopics(
        target,
        FIDELITY_SETS.map((s) => ({
          topic: `${source}.${prefix}.${s}`,
          expected: sourceDumps.get(`${prefix}.${s}`)!.length,
        })),
        45_000,
      );
      return targetDumps.then((m) => m.get(`${source}.${prefix}.${set}`)!);
    };

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
      flow = {
        ...flowBetween(source, target, { topics: `${prefix}\\..*`, 'tasks.max': '32' }),
        instance: prefix,
      };
      runner = createFlowRunner(flow, {
        onEvent: (e) => events.push(e),
        metricsIntervalMs: 1000,
      });
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
        const got = await targetDump(set);
        const diff = firstDifference(perPartition(want), perPartition(got));
        const failures = events
          .filter((e) => e.type === 'task-error' || e.type === 'partition-error')
          .map((e) => ('error' in e ? e.error.message : ''))
          .slice(0, 3);
        expect(diff, `${diff}\nengine errors: ${failures.join(' | ') || 'none'}`).toBeUndefined();
        expect(perPartition(got)).toEqual(perPartition(want));
      },
      // the shared read waits up to 45 s per remote topic that lacks records, so a defect shows as a diff
      600_000,
    );

    it("ferry verify's reader sees each record as the Java reader does: header list in order with nulls, timestamp type", async () => {
      const want = sourceDumps.get(`${prefix}.plain`)!;
      const wire = new WireCluster(wireConfigFor(flow.source, 'fidelity-verify-reader'));
      const got: Array<RangeRecord & { partition: number }> = [];
      try {
        const partitions = [...new Set(want.map((r) => r.partition))];
        await readRanges(
          wire,
          partitions.map((partition) => ({
            topic: `${prefix}.plain`,
            partition,
            from: 0n,
            to:
              BigInt(
                Math.max(...want.filter((r) => r.partition === partition).map((r) => Number(r.offset))),
              ) + 1n,
          })),
          (range, rec) => got.push({ ...rec, partition: range.partition }),
          { errorCode: 'SOURCE_READ_FAILED', cluster: source },
        );
      } finally {
        await wire.close();
      }
      const b64 = (v: Buffer | null) => (v === null ? null : v.toString('base64'));
      const view = (rs: Array<{ offset: string; headers: Array<[string, string | null]>; type: string }>) =>
        rs.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
      for (const partition of new Set(want.map((r) => r.partition))) {
        const javaSide = view(
          want
            .filter((r) => r.partition === partition)
            .map((r) => ({ offset: r.offset, headers: r.headers, type: r.timestampType })),
        );
        const ours = view(
          got
            .filter((r) => r.partition === partition)
            .map((r) => ({
              offset: String(r.offset),
              headers: r.headers.map(([k, v]) => [k, b64(v)] as [string, string | null]),
              type: r.timestampType === 'log-append' ? 'LogAppendTime' : 'CreateTime',
            })),
        );
        expect(ours).toEqual(javaSide);
      }
      expect(got.some((r) => r.headers.map(([k]) => k).join(',') === 'a,b,a')).toBe(true);
    });

    it('ferry verify (verifyFlowRange) over the whole range finds every set identical', async () => {
      const topics = Object.fromEntries(
        FIDELITY_SETS.map((set) => {
          const ps = new Set(sourceDumps.get(`${prefix}.${set}`)!.map((r) => r.partition));
          return [`${prefix}.${set}`, Math.max(...ps) + 1];
        }),
      );
      const r = await verifyFlowRange(flow, { topics });
      expect(r.ok, JSON.stringify(r.partitions.filter((p) => !p.ok))).toBe(true);
      expect(r.totals.differing).toBe(0);
    }, 180_000);
  },
);

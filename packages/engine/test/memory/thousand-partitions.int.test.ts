import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@ferry/testkit';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { dumpTopics, firstDifference, perPartition, spreadData } from '../fidelity/java-data.ts';
import { ferryRun, type Proc } from '../helpers/ferry-run.ts';
import { kafka } from '../helpers/kafka.ts';

/*
 * Issue #10: a worker replicating 1,000 partitions stays under 256 MB RSS. `ferry run` (the headless worker:
 * engine, tasks, metrics, heartbeats, the progress line) copies 4 topics × 250 partitions of light traffic
 * written by the Java client from east to west; its peak RSS (VmHWM of the child process, read from /proc) is
 * taken once every record arrived, checked record by record by a second reader (the Java client, by
 * assignment) against the source. The figure is all Ferry's: the child's own resident set (V8 heap, external
 * buffers, malloc, the Node binary's pages and the TypeScript stripper's); the writers and readers (JVMs) and
 * this test (vitest) are other processes.
 *
 * After the check it keeps running for HOLD_S seconds (steady state: fetch sessions, metrics, heartbeats, the
 * progress line), and the peak covers that too. Also reported: the time from the data written to every record
 * on the target, and task errors (a fresh flow onto 1,000 new remote partitions should have none: the writer
 * waits for their leaders before a transaction, see BatchWriter.ensureWritable).
 *
 * In the default suite (the int project, one file at a time, about 1–1.5 minutes); it deletes its 2,000
 * partitions afterwards. Alone: `npm run test:memory -w @ferry/engine`; figures in docs/adr/0002-data-path.md
 * ("1,000 partitions, memory").
 */
const TOPICS = 4;
const PARTITIONS = 250;
/** Records per partition; FERRY_SOAK_PER_PARTITION=250 makes it a backlog (fetches full, buffers busy). */
const PER_PARTITION = Number(process.env.FERRY_SOAK_PER_PARTITION ?? 4);
const LIMIT_BYTES = 256 * 1024 * 1024;
/** Seconds `ferry run` keeps running after the check; FERRY_SOAK_HOLD_S=300 watches a longer steady state. */
const HOLD_S = Number(process.env.FERRY_SOAK_HOLD_S ?? 30);

function status(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

const created: Array<{ cluster: string; topics: string[] }> = [];
const procs: Proc[] = [];
afterAll(async () => {
  for (const p of procs) p.child.kill('SIGKILL');
  // 2,000 partitions are a load on the shared brokers: remove them
  for (const { cluster, topics } of created) {
    const admin = kafka(cluster).admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
});

describe('memory', () => {
  it('ferry run replicating 1,000 partitions stays under 256 MB RSS', {
    timeout: 600_000 + HOLD_S * 1000,
  }, async () => {
    const prefix = uniqueName('mem1k');
    const alias = prefix.replace(/-/g, '');
    const sourceTopics = Array.from({ length: TOPICS }, (_, i) => `${prefix}.${i}`);
    const remoteTopics = sourceTopics.map((t) => `${alias}.${t}`);
    created.push({ cluster: 'east', topics: sourceTopics }, { cluster: 'west', topics: remoteTopics });
    const t0 = Date.now();
    await spreadData('east', prefix, TOPICS, PARTITIONS, PER_PARTITION);
    const written = Date.now();

    const dir = mkdtempSync(join(tmpdir(), 'ferry-mem-'));
    const file = join(dir, 'mm2.properties');
    writeFileSync(
      file,
      [
        `clusters = ${alias}, ${alias}dst`,
        `${alias}.bootstrap.servers = ${testCluster('east').bootstrap}`,
        `${alias}dst.bootstrap.servers = ${testCluster('west').bootstrap}`,
        `${alias}->${alias}dst.enabled = true`,
        `${alias}->${alias}dst.topics = ${prefix.replace(/[-.]/g, '\\$&')}\\..*`,
        'tasks.max = 4',
      ].join('\n'),
    );
    const p = ferryRun(file);
    procs.push(p);
    const pid = p.child.pid!;
    let peakRss = 0;
    const sampler = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, status(pid).rss);
      } catch {
        // exited
      }
    }, 250);
    try {
      await waitFor(() => p.lines.some((l) => l.startsWith('{"type":"flow-started"')), {
        timeoutMs: 120_000,
        what: 'ferry run to start its tasks',
      });
      const expected = TOPICS * PARTITIONS * PER_PARTITION;
      const target = await dumpTopics(
        'west',
        remoteTopics.map((topic) => ({ topic, expected: PARTITIONS * PER_PARTITION })),
        180_000,
      );
      const replicated = Date.now();
      const source = await dumpTopics(
        'east',
        sourceTopics.map((topic) => ({ topic })),
      );
      let records = 0;
      for (const [i, topic] of sourceTopics.entries()) {
        const want = source.get(topic)!;
        const got = target.get(remoteTopics[i]!)!;
        records += got.length;
        const diff = firstDifference(perPartition(want), perPartition(got));
        expect(diff, `${topic}: ${diff}`).toBeUndefined();
        expect(new Set(got.map((r) => r.partition)).size).toBe(PARTITIONS);
      }
      expect(records).toBe(expected);
      // steady state: the flow keeps running (fetch sessions, metrics, heartbeats, progress) before the peak is read
      await new Promise((r) => setTimeout(r, HOLD_S * 1000));
      const { hwm } = status(pid); // the kernel's peak over the whole run, replication and verification
      const errors = p.lines.filter((l) => l.startsWith('{"type":"task-error"'));
      process.stderr.write(
        `memory: ${records} records over ${TOPICS * PARTITIONS} partitions; written in ${((written - t0) / 1000).toFixed(1)} s, replicated ${((replicated - written) / 1000).toFixed(1)} s later, then ${HOLD_S} s steady; ferry run peak RSS (VmHWM) ${(hwm / 1048576).toFixed(1)} MB, highest sampled VmRSS ${(peakRss / 1048576).toFixed(1)} MB, ${errors.length} task errors\n`,
      );
      expect(Math.max(hwm, peakRss)).toBeLessThan(LIMIT_BYTES);
    } finally {
      clearInterval(sampler);
    }
    p.child.kill('SIGTERM');
    expect((await p.exit).code).toBe(0);
  });
});

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { defaultStackOptions, ensureKafkaJars, resolveKafkaVersion } from '@ferry/testkit';
import { REPLICATION_PAIRS, testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowRunner, type EngineEvent, type FlowRunner } from '../../src/index.ts';
import { byPartition, counts, createTopic, flowBetween, type Rec, readTopic } from '../helpers/kafka.ts';

const PRODUCER = resolve(import.meta.dirname, '../fixtures/JavaProducer.java');
const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;
const N = 300;

/** What JavaProducer.java writes. */
function javaRecords(codec: string): Rec[] {
  return Array.from({ length: N }, (_, i) => ({
    partition: i % 2,
    key: `k${i}`,
    value: `${codec}-v${i}-${'x'.repeat(i % 50)}`,
    headers: [['trace', `t${i}`]],
    timestamp: String(1_700_000_000_000 + i),
  }));
}

describe.each(REPLICATION_PAIRS)(
  'record batches compressed by the Java client $label',
  ({ source, target }) => {
    let runner: FlowRunner | undefined;
    afterEach(async () => {
      await runner?.stop();
      runner = undefined;
    });

    it('gzip, snappy, lz4 and zstd input replicates record by record', { timeout: 300_000 }, async () => {
      const lib = await ensureKafkaJars(
        defaultStackOptions().cacheDir,
        resolveKafkaVersion(testCluster(source).kafkaVersion),
      );
      const prefix = uniqueName('jc');
      for (const codec of CODECS) await createTopic(source, `${prefix}.${codec}`, 2);
      const r = spawnSync(
        'java',
        ['-cp', join(lib, '*'), PRODUCER, testCluster(source).bootstrap, prefix, CODECS.join(','), String(N)],
        { encoding: 'utf8', timeout: 90_000 },
      );
      expect(r.status, `${r.stderr}${r.stdout}`).toBe(0);
      const events: EngineEvent[] = [];
      runner = createFlowRunner(flowBetween(source, target, { topics: `${prefix}\\..*` }), {
        onEvent: (e) => events.push(e),
      });
      await runner.start();
      for (const codec of CODECS) {
        const want = byPartition(javaRecords(codec));
        // what arrived within the wait, so a failure names what is missing and what the engine said
        const got = await readTopic(target, `${source}.${prefix}.${codec}`, counts(want), 45_000, 0, true);
        const said = events
          .filter((e) => e.type !== 'committed' && e.type !== 'partition-metrics')
          .map((e) => ('error' in e ? `${e.type}: ${e.error.message}` : e.type))
          .slice(-8);
        expect(got, `${codec}; engine events: ${said.join(' | ') || 'none'}`).toEqual(want);
      }
    });
  },
);

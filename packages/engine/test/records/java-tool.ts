import { execFile } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defaultStackOptions, ensureJars } from '@ferry/testkit';

/*
 * The Java side of the record tests: java/RecordsTool.java compiled against kafka-clients 4.3.1 from Maven
 * Central (cached in FERRY_JAR_CACHE). See the tool's header for its commands.
 */

const run = promisify(execFile);
const HERE = fileURLToPath(new URL('.', import.meta.url));
const OUT = join(HERE, '..', '..', '.cache', 'java-records');
const KAFKA = '4.3.1';

let cp: Promise<string> | undefined;

function classpath(): Promise<string> {
  cp ??= (async () => {
    const lib = await ensureJars(defaultStackOptions().cacheDir, `kafka-clients-${KAFKA}`, [
      `org.apache.kafka:kafka-clients:${KAFKA}`,
      'org.slf4j:slf4j-nop:1.7.36',
    ]);
    const src = join(HERE, 'java', 'RecordsTool.java');
    const cls = join(OUT, 'RecordsTool.class');
    let fresh = false;
    try {
      fresh = statSync(cls).mtimeMs >= statSync(src).mtimeMs;
    } catch {
      fresh = false;
    }
    if (!fresh) {
      mkdirSync(OUT, { recursive: true });
      await run('javac', ['-nowarn', '-cp', `${lib}/*`, '-d', OUT, src]);
    }
    return `${OUT}:${lib}/*`;
  })();
  return cp;
}

async function tool(args: string[]): Promise<string[]> {
  const { stdout } = await run('java', ['-cp', await classpath(), 'RecordsTool', ...args], {
    timeout: 120_000,
    maxBuffer: 256 << 20,
  });
  return stdout.split('\n').filter((l) => l.length > 0);
}

export interface JavaRecord {
  offset: string;
  timestamp: string;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
}

export interface JavaBatch {
  baseOffset: string;
  lastOffset: string;
  magic: number;
  count: number | null;
  compression: string;
  timestampType: 'CreateTime' | 'LogAppendTime' | 'NoTimestampType';
  maxTimestamp: string;
  producerId: string;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
  control: boolean;
  records: JavaRecord[];
}

/** Every batch of a file as the Java client reads it (CRC checked with ensureValid). */
export async function javaDump(file: string): Promise<JavaBatch[]> {
  return (await tool(['dump', file])).map((l) => JSON.parse(l) as JavaBatch);
}

/** Writes the batch fixtures (MemoryRecordsBuilder) into `dir` as <name>.bin. */
export async function javaWriteFixtures(dir: string): Promise<void> {
  await tool(['fixtures', dir]);
}

export interface JavaConsumed extends JavaRecord {
  partition: number;
  timestampType: string;
}

/**
 * Reads a topic from the beginning to its end offsets with read_committed (the Java consumer); with `expected`,
 * until at least that many records (a just-committed transaction's markers may still be on their way).
 */
export async function javaConsume(
  bootstrap: string,
  topic: string,
  partitions: number,
  expected = 0,
): Promise<JavaConsumed[]> {
  return (await tool(['consume', bootstrap, topic, String(partitions), String(expected)])).map(
    (l) => JSON.parse(l) as JavaConsumed,
  );
}

/**
 * Source data written by the Java producer (see RecordsTool `produce`), one JVM: `partition` may be a list, with
 * one codec per partition; `keys` > 0 repeats keys (compaction); `lingerMs` is the producer's linger.ms (default
 * 20: a slow JVM may send the first record of a partition alone; a long linger keeps a call's records in one
 * batch, since the final flush sends at once).
 */
export async function javaProduce(
  bootstrap: string,
  topic: string,
  partition: number | number[],
  count: number,
  codec: string | string[],
  opts: { batchSize?: number; keys?: number; lingerMs?: number } = {},
): Promise<void> {
  await tool([
    'produce',
    bootstrap,
    topic,
    [partition].flat().join(','),
    String(count),
    [codec].flat().join(','),
    String(opts.batchSize ?? 16384),
    String(opts.keys ?? 0),
    String(opts.lingerMs ?? 20),
  ]);
}

import { execFile } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defaultStackOptions, ensureJars } from '@ferry/testkit';

const run = promisify(execFile);
const HERE = fileURLToPath(new URL('.', import.meta.url));
const OUT = join(HERE, '..', '..', '.cache', 'java');
const MAIN = 'org.apache.kafka.connect.mirror.FerryInteropCheck';

/** MM2's client library from Maven Central (cached), the check compiled against it; returns the classpath. */
async function classpath(kafkaVersion: string): Promise<string> {
  const lib = await ensureJars(defaultStackOptions().cacheDir, `mirror-client-${kafkaVersion}`, [
    `org.apache.kafka:connect-mirror-client:${kafkaVersion}`,
    'org.slf4j:slf4j-nop:1.7.36',
  ]);
  const out = join(OUT, kafkaVersion);
  const src = join(HERE, 'FerryInteropCheck.java');
  const cls = join(out, 'org/apache/kafka/connect/mirror/FerryInteropCheck.class');
  let fresh = false;
  try {
    fresh = statSync(cls).mtimeMs >= statSync(src).mtimeMs;
  } catch {
    fresh = false;
  }
  if (!fresh) {
    mkdirSync(out, { recursive: true });
    await run('javac', ['-nowarn', '-cp', `${lib}/*`, '-d', out, src]);
  }
  return `${out}:${lib}/*`;
}

/** Runs commands (see FerryInteropCheck.java) in one JVM; returns one parsed JSON result per command. */
export async function javaCheck(commands: string[][], kafkaVersion = '4.3.1'): Promise<unknown[]> {
  const cp = await classpath(kafkaVersion);
  const { stdout } = await run('java', ['-cp', cp, MAIN, ...commands.map((c) => c.join('|'))], {
    timeout: 120_000,
    maxBuffer: 16 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as unknown[];
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@ferry/testkit';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { ferryRun, type Proc } from '../helpers/ferry-run.ts';
import { byPartition, counts, createTopic, makeRecords, produce, readTopic } from '../helpers/kafka.ts';

/**
 * A real mm2.properties as MM2 users write it: the TLS cluster's CA in a JKS or PKCS12 trust store made by the
 * JDK's keytool (MM2's default store types), one file for every data centre and `--clusters` choosing this
 * node's targets, as connect-mirror-maker.sh does.
 */
function trustStore(dir: string, type: 'JKS' | 'PKCS12'): string {
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, testCluster('secure').caPem!);
  const store = join(dir, `trust.${type.toLowerCase()}`);
  execFileSync('keytool', [
    ...['-importcert', '-noprompt', '-alias', 'stack-ca', '-file', ca],
    ...['-keystore', store, '-storetype', type, '-storepass', 'trust-secret'],
  ]);
  return store;
}

const started = (p: Proc) =>
  p.lines.filter((l) => l.startsWith('{"type":"flow-started"')).map((l) => JSON.parse(l).flow as string);

describe('ferry run with a drop-in mm2.properties', () => {
  const procs: Proc[] = [];
  afterEach(async () => {
    for (const p of procs) {
      p.child.kill('SIGTERM');
      await p.exit;
    }
    procs.length = 0;
  });

  it.each(['JKS', 'PKCS12'] as const)(
    '%s trust store; --clusters secure runs only the flows into secure',
    async (type) => {
      const dir = mkdtempSync(join(tmpdir(), 'ferry-dropin-'));
      const topic = uniqueName('dropin');
      await createTopic('east', topic, 3);
      const records = makeRecords(300, 3, 'dropin');
      await produce('east', topic, records);
      const file = join(dir, 'mm2.properties');
      writeFileSync(
        file,
        [
          'clusters = east, west, secure',
          `east.bootstrap.servers = ${testCluster('east').bootstrap}`,
          `west.bootstrap.servers = ${testCluster('west').bootstrap}`,
          `secure.bootstrap.servers = ${testCluster('secure').bootstrap}`,
          'secure.security.protocol = SSL',
          ...(type === 'PKCS12' ? ['secure.ssl.truststore.type = PKCS12'] : []),
          `secure.ssl.truststore.location = ${trustStore(dir, type)}`,
          'secure.ssl.truststore.password = trust-secret',
          `topics = ${topic}`,
          'east->secure.enabled = true',
          // another data centre's flow: a node started with --clusters secure leaves it to that centre
          'east->west.enabled = true',
          'east.consumer.max.poll.records = 50',
        ].join('\n'),
      );
      const p = ferryRun(file, ['--clusters', 'secure']);
      procs.push(p);
      const want = byPartition(records);
      expect(await readTopic('secure', `east.${topic}`, counts(want), 60_000)).toEqual(want);
      await waitFor(() => started(p).length > 0, { timeoutMs: 30_000, what: 'flow-started' });
      expect(started(p)).toEqual(['east->secure']);
      const out = p.lines.join('\n');
      // the client override is reported, and so is every Ferry default that differs from MM2's
      expect(out).toContain(
        "east.consumer.max.poll.records: a client override; Ferry's fetcher sets its own",
      );
      expect(out).toMatch(/replication\.factor is unset: Ferry's default is -1 .*MM2's is 2/);
      expect(out).toMatch(/offset-syncs\.topic\.location is unset: .*MM2's is source/);
      expect(out).not.toContain('trust-secret');
    },
  );

  it('--clusters naming a cluster the file does not list exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-dropin-'));
    const file = join(dir, 'mm2.properties');
    writeFileSync(
      file,
      'clusters = a, b\na.bootstrap.servers = 127.0.0.1:1\nb.bootstrap.servers = 127.0.0.1:2\na->b.enabled = true\n',
    );
    const p = ferryRun(file, ['--clusters', 'c']);
    expect(await p.exit).toEqual({ code: 2, signal: null });
    expect(p.lines.join('\n')).toMatch(/--clusters=c: "c" is not listed in clusters=a,b/);
    const q = ferryRun(file, ['--clusters', 'a']);
    expect(await q.exit).toEqual({ code: 2, signal: null });
    expect(q.lines.join('\n')).toMatch(/no flow enabled into --clusters a/);
  });
});

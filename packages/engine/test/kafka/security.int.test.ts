import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowRunner, type FlowRunner, parseMm2Config } from '../../src/index.ts';
import { byPartition, counts, createTopic, makeRecords, produce, readTopic } from '../helpers/kafka.ts';

describe('secured clusters from MM2 security settings', () => {
  let runner: FlowRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });

  it('replicates from SASL/SCRAM-SHA-512 to TLS (PEM trust store file)', async () => {
    const auth = testCluster('auth');
    const secure = testCluster('secure');
    const dir = mkdtempSync(join(tmpdir(), 'ferry-tls-'));
    writeFileSync(join(dir, 'ca.pem'), secure.caPem!);
    const topic = uniqueName('sec');
    const props = new Map<string, string>([
      ['clusters', 'auth, secure'],
      ['auth.bootstrap.servers', auth.bootstrap],
      ['auth.security.protocol', 'SASL_PLAINTEXT'],
      ['auth.sasl.mechanism', 'SCRAM-SHA-512'],
      [
        'auth.sasl.jaas.config',
        `org.apache.kafka.common.security.scram.ScramLoginModule required username="${auth.sasl!.username}" password="${auth.sasl!.password}";`,
      ],
      ['secure.bootstrap.servers', secure.bootstrap],
      ['secure.security.protocol', 'SSL'],
      ['secure.ssl.truststore.type', 'PEM'],
      ['secure.ssl.truststore.location', join(dir, 'ca.pem')],
      ['auth->secure.enabled', 'true'],
      ['topics', topic],
    ]);
    const { flows, notices } = parseMm2Config(props);
    expect(notices).toEqual([]);
    await createTopic('auth', topic, 2);
    const records = makeRecords(200, 2, 'sec');
    await produce('auth', topic, records);
    runner = createFlowRunner(flows[0]!);
    await runner.start();
    const want = byPartition(records);
    expect(await readTopic('secure', `auth.${topic}`, counts(want))).toEqual(want);
  });
});

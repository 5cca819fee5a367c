/**
 * Captures request/response frames from real brokers into test/wire/fixtures/ (decoded by fixtures.test.ts,
 * which needs no broker). Run against the test stack:
 *   FERRY_TEST_STACK_DIR=… node packages/engine/test/wire/capture-fixtures.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { fetchApi, READ_COMMITTED } from '../../src/wire/apis/fetch.ts';
import { WireCluster } from '../../src/wire/cluster.ts';
import { type WireExchange, wireExchangeChannel } from '../../src/wire/connection.ts';
import { Reader } from '../../src/wire/protocol/reader.ts';
import { createTopic, wireConfig } from './helpers.ts';
import { fetchAll, fetchFrom, runScenario } from './scenario.ts';

function hasAborted(x: WireExchange): boolean {
  const r = new Reader(x.response, 4);
  if (x.version >= fetchApi.flexibleFrom) r.taggedFields();
  const res = fetchApi.decodeResponse(r, x.version);
  return (res.responses[0]?.partitions[0]?.abortedTransactions?.length ?? 0) > 0;
}

const OUT = join(import.meta.dirname, 'fixtures');
mkdirSync(OUT, { recursive: true });

for (const name of ['east', 'east39', 'auth']) {
  const state = testCluster(name);
  const kept = new Map<string, WireExchange>();
  const listener = (m: unknown) => {
    const x = m as WireExchange;
    const k = `${x.apiName}-v${x.version}`;
    const prev = kept.get(k);
    // Fetch: keep an answer that lists an aborted transaction (control batches and aborted data in it)
    if (!prev || x.apiKey !== fetchApi.key || (!hasAborted(prev) && hasAborted(x))) kept.set(k, x);
  };
  wireExchangeChannel.subscribe(listener);
  const cluster = new WireCluster(wireConfig(state, 'ferry-fixture-capture'));
  try {
    if (name === 'auth') await cluster.metadata();
    else {
      const topic = uniqueName('fixture');
      await createTopic(state, topic, 1);
      await runScenario(cluster, topic, { group: uniqueName('fixture-g'), txn: uniqueName('fixture-tx') });
      await fetchAll(cluster, topic, READ_COMMITTED, 12); // topic names, first flexible version
      await fetchAll(cluster, topic, READ_COMMITTED, 4); // Kafka 4's oldest
      // from the first commit marker: marker, aborted transaction, abort marker
      for (const v of [4, 12, 17]) await fetchFrom(cluster, topic, 5n, READ_COMMITTED, v);
    }
  } finally {
    await cluster.close();
    wireExchangeChannel.unsubscribe(listener);
  }
  for (const [k, x] of kept) {
    const file = join(OUT, `${name}-${k}.json`);
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          cluster: name,
          kafkaVersion: state.kafkaVersion,
          api: x.apiName,
          apiKey: x.apiKey,
          version: x.version,
          request: x.request.toString('hex'),
          response: x.response.toString('hex'),
        },
        null,
        2,
      )}\n`,
    );
  }
  process.stdout.write(`${name} (${state.kafkaVersion}): ${[...kept.keys()].sort().join(' ')}\n`);
}

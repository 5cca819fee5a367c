// `npm start` step: a small steady load on east's demo.orders (a few records per second, with keys, headers
// and timestamps) so the demo flow has something to replicate and the dashboard something to show — and a
// consumer group `demo-billing` reading demo.orders on east and committing every 2 s, so the flow's groups
// page, failover readiness and checkpoint-latency chart have real data from the first minute.
import { defaultStackOptions, kafkajsConfig, stackCluster } from '@ferry/testkit';
import { Kafka } from 'kafkajs';

const ratePerSec = Number(process.env.FERRY_DEMO_RATE ?? 5);
// docker-compose.yml names its own east broker; npm start uses the local stack's.
const eastOverride = process.env.FERRY_DEMO_EAST_BOOTSTRAP;
const kafka = new Kafka(
  eastOverride
    ? { clientId: 'ferry-demo-producer', brokers: [eastOverride], logLevel: 0 }
    : kafkajsConfig(stackCluster(defaultStackOptions(), 'east'), 'ferry-demo-producer'),
);
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
});
await producer.connect();
const consumer = kafka.consumer({ groupId: 'demo-billing' });
const startConsumer = async () => {
  await consumer.connect();
  await consumer.subscribe({ topic: 'demo.orders', fromBeginning: false });
  await consumer.run({
    autoCommitInterval: 2000,
    eachMessage: async () => {},
  });
};
startConsumer().catch((e) => console.error(`demo consumer group demo-billing could not start: ${e.message}`));
let n = 0;
let stopping = false;
const stop = async () => {
  stopping = true;
  await consumer.disconnect().catch(() => {});
  await producer.disconnect().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
while (!stopping) {
  n++;
  await producer
    .send({
      topic: 'demo.orders',
      messages: [
        {
          key: `customer-${n % 97}`,
          value: JSON.stringify({ order: n, amount: (n * 7.31) % 500, at: new Date().toISOString() }),
          headers: { source: 'ferry-demo', 'trace-id': `t-${n}` },
        },
      ],
    })
    .catch(() => {});
  await new Promise((r) => setTimeout(r, 1000 / ratePerSec));
}

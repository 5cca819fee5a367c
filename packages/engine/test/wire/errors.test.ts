import { describe, expect, it } from 'vitest';
import { errorName, isRetriable, KafkaError } from '../../src/wire/errors.ts';

describe('Kafka error codes', () => {
  const table: Array<[number, string, boolean]> = [
    [-1, 'UNKNOWN_SERVER_ERROR', false],
    [1, 'OFFSET_OUT_OF_RANGE', false],
    [3, 'UNKNOWN_TOPIC_OR_PARTITION', true],
    [6, 'NOT_LEADER_OR_FOLLOWER', true],
    [7, 'REQUEST_TIMED_OUT', true],
    [13, 'NETWORK_EXCEPTION', true],
    [14, 'COORDINATOR_LOAD_IN_PROGRESS', true],
    [16, 'NOT_COORDINATOR', true],
    [29, 'TOPIC_AUTHORIZATION_FAILED', false],
    [35, 'UNSUPPORTED_VERSION', false],
    [47, 'INVALID_PRODUCER_EPOCH', false],
    [51, 'CONCURRENT_TRANSACTIONS', true],
    [58, 'SASL_AUTHENTICATION_FAILED', false],
    [74, 'FENCED_LEADER_EPOCH', true],
    [88, 'UNSTABLE_OFFSET_COMMIT', true],
    [90, 'PRODUCER_FENCED', false],
    [100, 'UNKNOWN_TOPIC_ID', true],
    [120, 'TRANSACTION_ABORTABLE', false],
  ];
  for (const [code, name, retriable] of table)
    it(`${code} is ${name}${retriable ? ', retriable' : ''}`, () => {
      expect(errorName(code)).toBe(name);
      expect(isRetriable(code)).toBe(retriable);
      const e = new KafkaError(code, 'why', { context: { topic: 't', partition: 2, broker: 'h:1' } });
      expect(e).toMatchObject({ code, name, retriable });
      expect(e.message).toBe(`${name} (t-2, broker h:1): why`);
    });
  it('an unknown code keeps its number in the name', () => {
    expect(errorName(9999)).toBe('UNKNOWN_ERROR_9999');
  });
});

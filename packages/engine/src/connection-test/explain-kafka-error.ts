import { errorSentence } from '@ferry/core';

/**
 * A kafkajs failure in plain words, for people testing a connection (never echoing credentials: kafkajs
 * messages name hosts and mechanisms, not passwords). The words are core's errorSentence, the one place
 * that turns errors into sentences.
 */
export function explainKafkaError(e: unknown, cluster?: string): string {
  return errorSentence(e, cluster ? { source: cluster } : {});
}

import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isTransientKafkaError } from './kafka.js';

// KafkaJS's protocol errors as its decoder builds them (kafkajs/src/protocol/error.js).
const protocolError = (type: string, code: number, retriable: boolean, message: string) =>
  new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable }));
const unknownTopicOrPartition = () => protocolError('UNKNOWN_TOPIC_OR_PARTITION', 3, true, 'This server does not host this topic-partition');
const topicAuthorizationFailed = () => protocolError('TOPIC_AUTHORIZATION_FAILED', 29, false, 'Not authorized to access topics: [Topic authorization failed]');

describe('isTransientKafkaError (ensureTopics retries these until its deadline)', () => {
  it('retries a restarted broker still loading its logs, even once KafkaJS gave up its own retries', () => {
    expect(isTransientKafkaError(unknownTopicOrPartition())).toBe(true);
    expect(isTransientKafkaError(new KafkaJSNumberOfRetriesExceeded(unknownTopicOrPartition(), { retryCount: 5, retryTime: 3000 }))).toBe(true);
    expect(isTransientKafkaError(new KafkaJSConnectionError('Connection error: ECONNREFUSED', { broker: '127.0.0.1:9092' }))).toBe(true);
  });

  it('does not retry refusals or errors that are not KafkaJS protocol or connection errors', () => {
    expect(isTransientKafkaError(topicAuthorizationFailed())).toBe(false);
    expect(isTransientKafkaError(new KafkaJSNumberOfRetriesExceeded(topicAuthorizationFailed(), { retryCount: 0, retryTime: 0 }))).toBe(false);
    expect(isTransientKafkaError(new KafkaJSNonRetriableError('Invalid replication factor'))).toBe(false);
    expect(isTransientKafkaError(new Error('This server does not host this topic-partition'))).toBe(false);
    expect(isTransientKafkaError('UNKNOWN_TOPIC_OR_PARTITION')).toBe(false);
  });
});

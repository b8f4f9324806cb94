/**
 * `npm run kafka:topics`: creates every platform topic and its dead-letter topic on KAFKA_BROKERS
 * when missing (idempotent). `npm start` and the tests do this themselves; containers run it once as
 * a job (docker-compose, the Kubernetes dev overlay). In production Strimzi's KafkaTopic resources own
 * the topics instead, with their replication settings.
 */
import { env, loadConfig } from '@commerce/kit/config';
import { createKafka, ensureTopics, platformTopics } from '@commerce/kit/events/kafka';
import { createLogger } from '@commerce/kit/logger';

const config = loadConfig('topics', {
  KAFKA_BROKERS: env.list(['127.0.0.1:9092']),
  KAFKA_TOPIC_PREFIX: env.matching(/^[A-Za-z0-9._-]*$/, '', 'letters, digits, dots, dashes, underscores'),
  /** Partitions of each event topic (dead-letter topics have one). */
  KAFKA_TOPIC_PARTITIONS: env.int(3, { min: 1, max: 1000 }),
  LOG_LEVEL: env.logLevel(),
});

const kafka = createKafka('topics', config.KAFKA_BROKERS, createLogger('topics', config.LOG_LEVEL));
try {
  await ensureTopics(kafka, config.KAFKA_TOPIC_PREFIX, config.KAFKA_TOPIC_PARTITIONS);
  const names = platformTopics(config.KAFKA_TOPIC_PREFIX).map(({ topic }) => topic);
  console.log(`topics ready on ${config.KAFKA_BROKERS.join(',')}: ${names.join(', ')}`);
} catch (error) {
  console.error(`creating topics on ${config.KAFKA_BROKERS.join(',')} failed: ${(error as Error).message}`);
  process.exit(1);
}

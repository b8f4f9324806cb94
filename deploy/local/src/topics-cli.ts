/**
 * `npm run kafka:topics`: creates every platform topic and its dead-letter topic on KAFKA_BROKERS
 * when missing (idempotent). `npm start` and the tests do this themselves; containers run it once as
 * a job (docker-compose, the Kubernetes dev overlay). In production Strimzi's KafkaTopic resources own
 * the topics instead, with their replication settings.
 */
import { parseCommand, runCli } from '@commerce/kit/cli';
import { env, loadConfig } from '@commerce/kit/config';
import { createKafka, ensureTopics, platformTopics } from '@commerce/kit/events/kafka';
import { createLogger } from '@commerce/kit/logger';
import { kafkaClientRules, kafkaClientShape, kafkaFileRules } from '@commerce/kit/service-config';

const spec = {
  command: 'npm run kafka:topics',
  summary: 'Creates every platform topic and its dead-letter topic on KAFKA_BROKERS where missing (idempotent).',
  options: {},
  environment: [
    ['KAFKA_BROKERS', 'comma-separated brokers (default 127.0.0.1:9092)'],
    ['KAFKA_TOPIC_PREFIX', 'prefix of every topic name (default none)'],
    ['KAFKA_TOPIC_PARTITIONS', 'partitions of each event topic; dead-letter topics have one (default 3)'],
    ['KAFKA_SSL, KAFKA_SASL_*', 'TLS and SASL to the brokers, as the services take them (default none)'],
    ['LOG_LEVEL', 'KafkaJS log level (default info)'],
  ],
  exitCodes: { 1: 'a bad variable, or the brokers refused or did not answer' },
} as const;

parseCommand(spec);
const config = loadConfig('topics', {
  ...kafkaClientShape,
  KAFKA_TOPIC_PREFIX: env.matching(/^[A-Za-z0-9._-]*$/, '', 'letters, digits, dots, dashes, underscores'),
  /** Partitions of each event topic (dead-letter topics have one). */
  KAFKA_TOPIC_PARTITIONS: env.int(3, { min: 1, max: 1000 }),
  LOG_LEVEL: env.logLevel(),
}, process.env, [...kafkaClientRules, ...kafkaFileRules]);

runCli(spec, async () => {
  const kafka = createKafka('topics', config, createLogger('topics', config.LOG_LEVEL));
  try {
    await ensureTopics(kafka, config.KAFKA_TOPIC_PREFIX, config.KAFKA_TOPIC_PARTITIONS);
  } catch (error) {
    throw new Error(`creating topics on ${config.KAFKA_BROKERS.join(',')} failed: ${(error as Error).message}`);
  }
  const names = platformTopics(config.KAFKA_TOPIC_PREFIX).map(({ topic }) => topic);
  console.log(`topics ready on ${config.KAFKA_BROKERS.join(',')}: ${names.join(', ')}`);
});

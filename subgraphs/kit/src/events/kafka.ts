/**
 * KafkaJS clients configured the platform's way: pino logging, quick reconnects, topics created up front.
 * The one module that imports kafkajs (tests' harnesses aside): the rest of the code takes its clients
 * and the types re-exported below from here, so moving to another client touches this module and the
 * few calls the types describe (see docs/decisions.md, "KafkaJS's successors").
 */
import { Kafka, Partitioners, logLevel as KafkaLogLevel, type ITopicConfig } from 'kafkajs';

export type { Consumer, EachMessagePayload, IHeaders, Kafka, Message, Producer } from 'kafkajs';
import type { Logger } from '../logger.js';
import { SERVICES } from '../service-config.js';
import { deadLetterTopicOf, topicOf } from './catalog.js';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

export function createKafka(clientId: string, brokers: string[], log: Logger): Kafka {
  const kafkaLog = log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, maxRetryTime: 3_000, retries: 5 },
    // KafkaJS logs every reconnect attempt at ERROR; during a broker outage that is expected noise.
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...extra } = entry;
        kafkaLog[LEVELS[level] ?? 'info'](extra, message);
      },
  });
}

/**
 * Delivery is at least once by design (the outbox may resend after a crash; consumers deduplicate by
 * event id), so the producer is not KafkaJS's idempotent one, whose infinite retries would hold the
 * relay's transaction during a broker outage. One request in flight keeps each partition in order
 * across retries; acks=all comes with every send.
 */
export function createProducer(kafka: Kafka) {
  return kafka.producer({
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 3 },
  });
}

/** Every topic of the platform (and its dead-letter topic) under `prefix`. */
export function platformTopics(prefix: string, partitions = 3): ITopicConfig[] {
  return SERVICES.flatMap((service) => {
    const topic = topicOf(service, prefix);
    return [
      { topic, numPartitions: partitions, replicationFactor: -1 },
      { topic: deadLetterTopicOf(topic), numPartitions: 1, replicationFactor: -1 },
    ];
  });
}

/** Creates the platform's topics that do not exist yet (idempotent). */
export async function ensureTopics(kafka: Kafka, prefix: string, partitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = platformTopics(prefix, partitions).filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Direct access to the run's Kafka for event-level tests: raw produce, and reading topics back. */
import { Kafka, Partitioners, logLevel, type IHeaders } from 'kafkajs';
import { readMessages as readFrom, type RawMessage } from '@commerce/kit/testing';
import { run } from './run.js';

const kafka = new Kafka({ clientId: 'tests', brokers: run.brokers, logLevel: logLevel.NOTHING });

export async function produce(topic: string, messages: { key: string; value: string | null; headers?: IHeaders }[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

export const readMessages = (topic: string, done: (messages: RawMessage[]) => boolean, timeoutMs?: number) =>
  readFrom(run.brokers, topic, done, timeoutMs);

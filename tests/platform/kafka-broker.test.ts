import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { kafkaVersion } from '@commerce/stack/kafka-broker';
import { run } from '../support/run.js';

describe(`KafkaJS 2.2.4 against the run's broker (Kafka ${kafkaVersion()} from Maven Central)`, () => {
  it('creates a topic, produces, consumes in a group, commits and reads offsets back', async () => {
    const kafka = new Kafka({ clientId: 'broker-check', brokers: run.brokers, logLevel: logLevel.NOTHING });
    const topic = `broker-check-${randomUUID()}`;
    const groupId = `broker-check-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    expect(await admin.listTopics()).toContain(topic);

    const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const messages = Array.from({ length: 20 }, (_, i) => ({ key: `key-${i % 4}`, value: `message-${i}`, headers: { n: String(i) } }));
    await producer.send({ topic, acks: -1, messages });

    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received: { key: string; value: string; partition: number; header: string }[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          received.push({
            key: message.key!.toString(),
            value: message.value!.toString(),
            partition,
            header: message.headers!.n!.toString(),
          });
          if (received.length === messages.length) resolve();
        },
      });
    });
    await consumer.disconnect();

    expect(received.map((m) => m.value).sort()).toEqual(messages.map((m) => m.value).sort());
    // Keyed messages keep their order within a key (one partition per key).
    for (const key of ['key-0', 'key-1', 'key-2', 'key-3']) {
      const ofKey = received.filter((m) => m.key === key);
      expect(new Set(ofKey.map((m) => m.partition)).size).toBe(1);
      expect(ofKey.map((m) => Number(m.header))).toEqual([...ofKey.map((m) => Number(m.header))].sort((a, b) => a - b));
    }

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed[0]!.partitions.reduce((sum, p) => sum + Math.max(Number(p.offset), 0), 0);
    expect(total).toBe(messages.length);
    const ends = await admin.fetchTopicOffsets(topic);
    expect(ends.reduce((sum, p) => sum + Number(p.high), 0)).toBe(messages.length);

    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });
});

/**
 * Dead-letter topics, for operators: list what is in them and replay it. A replay publishes each
 * dead-lettered message again to the topic it came from, with its key (so its partition and order
 * among that aggregate's later events is kept by Kafka) and its headers minus the `dlq-*` ones. Every
 * consumer group of that topic receives it again; the groups that had applied it already skip it (they
 * remember applied event ids per group), and the group that had failed applies it now. Replaying twice
 * is therefore harmless, and nothing is removed from the dead-letter topic (Kafka has no deletes; its
 * retention ages entries out).
 */
import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka } from '@commerce/kit/events/kafka';
import { SERVICES } from '@commerce/kit/service-config';
import { deadLetterTopicOf, topicOf } from '@commerce/kit/events/catalog';
import { createProducer } from '@commerce/kit/events/kafka';

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** From the envelope, when the value is one. */
  eventId: string | null;
  eventType: string | null;
}

export function deadLetterTopics(prefix: string): string[] {
  return SERVICES.map((service) => deadLetterTopicOf(topicOf(service, prefix)));
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}

function envelopeOf(value: Buffer | null): { id: string | null; type: string | null } {
  try {
    const parsed = JSON.parse(value?.toString('utf8') ?? '') as { id?: unknown; type?: unknown };
    return { id: typeof parsed.id === 'string' ? parsed.id : null, type: typeof parsed.type === 'string' ? parsed.type : null };
  } catch {
    return { id: null, type: null };
  }
}

/**
 * Everything in `topic` up to its end at the time of the call. Reads as a throw-away consumer group,
 * deleted afterwards, so it never moves anyone's offsets.
 */
export async function readDeadLetters(kafka: Kafka, topic: string, timeoutMs = 30_000): Promise<DeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  const group = `dlq-reader-${randomUUID()}`;
  try {
    const ends = new Map<number, bigint>();
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
    }
    if (ends.size === 0) return [];
    const letters: DeadLetter[] = [];
    const consumer = kafka.consumer({ groupId: group });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out reading ${topic} (${letters.length} read)`)), timeoutMs);
        void consumer.run({
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            const envelope = envelopeOf(message.value);
            letters.push({
              topic,
              partition,
              offset: message.offset,
              key: message.key?.toString('utf8') ?? null,
              value: message.value,
              headers: stringHeaders(message.headers),
              eventId: envelope.id,
              eventType: envelope.type,
            });
            if (BigInt(message.offset) === end - 1n) ends.delete(partition);
            if (ends.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
  }
}

export interface ReplayFilter {
  /** Only what this consumer group failed (the `dlq-consumer-group` header). */
  group?: string;
  /** Only these event ids. */
  eventIds?: string[];
}

export function selectDeadLetters(letters: DeadLetter[], filter: ReplayFilter): DeadLetter[] {
  return letters.filter(
    (letter) =>
      (!filter.group || letter.headers['dlq-consumer-group'] === filter.group) &&
      (!filter.eventIds?.length || (letter.eventId !== null && filter.eventIds.includes(letter.eventId))),
  );
}

/** Publishes `letters` back to their original topics; resolves to how many were sent. */
export async function replayDeadLetters(kafka: Kafka, letters: DeadLetter[]): Promise<number> {
  const replayable = letters.filter((letter) => letter.headers['dlq-original-topic']);
  if (replayable.length === 0) return 0;
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    const byTopic = new Map<string, DeadLetter[]>();
    for (const letter of replayable) {
      const target = letter.headers['dlq-original-topic'] as string;
      byTopic.set(target, [...(byTopic.get(target) ?? []), letter]);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, batch]) => ({
        topic,
        messages: batch.map((letter) => ({
          key: letter.key,
          value: letter.value,
          headers: {
            ...Object.fromEntries(Object.entries(letter.headers).filter(([name]) => !name.startsWith('dlq-'))),
            'dlq-replayed-from': `${letter.topic}/${letter.partition}/${letter.offset}`,
          },
        })),
      })),
    });
    return replayable.length;
  } finally {
    await producer.disconnect();
  }
}

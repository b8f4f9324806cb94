/**
 * Runs a service's event handlers as a KafkaJS consumer group with the guarantees the platform
 * promises: each event's effect and its "applied" mark are committed in one database transaction
 * (a redelivered event changes nothing); failures are retried with backoff a bounded number of
 * times, then the event goes to `<topic>.dlq` with the error and the partition moves on; an event
 * that fails validation goes there at once. While the database itself is unreachable, nothing is
 * dead-lettered: the consumer stops and redelivers later.
 */
import type { Consumer, EachMessagePayload, IHeaders, Kafka, Producer } from './kafka.js';
import type { Logger } from '../logger.js';
import { contextFrom, currentTraceId, inSpan, SpanKind } from '../telemetry.js';
import {
  deadLetterTopicOf,
  envelopeSchema,
  eventCatalog,
  topicOf,
  type Envelope,
  type EventType,
  type PayloadOf,
} from './catalog.js';
import type { EventMetrics } from './metrics.js';
import { appendToOutbox, type Publish, type SqlExecutor, type TransactionRunner } from './outbox.js';

export interface HandlerContext<Tx> {
  tx: Tx;
  event: Envelope;
  /** Writes reply events to this service's outbox, in the same transaction. */
  publish: Publish;
  log: Logger;
}

export type Handlers<Tx> = {
  [T in EventType]?: (payload: PayloadOf<T>, ctx: HandlerContext<Tx>) => Promise<void>;
};

export interface ConsumerOptions<Tx extends SqlExecutor> {
  kafka: Kafka;
  /** The consumer group, also the key under which applied events are remembered. */
  group: string;
  topicPrefix: string;
  db: TransactionRunner<Tx> & { $queryRawUnsafe(query: string): Promise<unknown> };
  producer: Producer;
  handlers: Handlers<Tx>;
  log: Logger;
  metrics: EventMetrics;
  /** Attempts before an event is dead-lettered. */
  maxAttempts?: number;
  /** Called after a handler wrote events to the outbox. */
  afterPublish?: () => void;
}

class InvalidEvent extends Error {}

export interface RunningConsumer {
  consumer: Consumer;
  /** Resolves when the consumer first joined its group (partitions assigned). */
  joined: Promise<void>;
  stop: () => Promise<void>;
}

export async function startConsumer<Tx extends SqlExecutor>(options: ConsumerOptions<Tx>): Promise<RunningConsumer> {
  const { kafka, group, log, metrics, handlers } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const owners = new Set(Object.keys(handlers).map((type) => eventCatalog[type as EventType].owner));
  const topics = [...owners].map((owner) => topicOf(owner, options.topicPrefix));

  const consumer = kafka.consumer({
    groupId: group,
    // A member killed without leaving the group (kill -9, OOM, a lost node) holds its partitions until
    // its session expires, and a restarted replica cannot join before: 10 s rather than KafkaJS's 30 s
    // bounds that pause. Handlers are short transactions, so heartbeats every 2 s keep live members in.
    sessionTimeout: 10_000,
    heartbeatInterval: 2_000,
    retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 20 },
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    metrics.consumerLag.set({ group, topic: payload.topic, partition: payload.partition }, Number(payload.offsetLagLow));
  });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
  });

  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: (payload) => handleMessage(payload),
    });
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  log.info({ group, topics }, 'consumer started');

  async function handleMessage({ topic, partition, message }: EachMessagePayload): Promise<void> {
    // Continue the trace of whoever wrote the event: the span is a child of the producer's.
    const parent = contextFrom(stringHeaders(message.headers));
    await inSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, parent, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.kafka.partition': partition, 'messaging.consumer.group.name': group } }, async () => {
      let event: Envelope;
      try {
        event = parse(message.value);
      } catch (error) {
        await deadLetter(topic, partition, message, 'unknown', error);
        return;
      }
      const handler = handlers[event.type as EventType] as
        | ((payload: unknown, ctx: HandlerContext<Tx>) => Promise<void>)
        | undefined;
      if (!handler) {
        metrics.consumed.inc({ topic, type: event.type, outcome: 'ignored' });
        return;
      }
      const eventLog = log.child({ eventId: event.id, eventType: event.type, traceId: currentTraceId() });
      for (let attempt = 1; ; attempt += 1) {
        try {
          const outcome = await apply(event, handler, eventLog);
          metrics.consumed.inc({ topic, type: event.type, outcome });
          metrics.applyLag.observe({ type: event.type }, (Date.now() - Date.parse(event.occurredAt)) / 1000);
          return;
        } catch (error) {
          if (attempt >= maxAttempts || error instanceof InvalidEvent) {
            if (!(error instanceof InvalidEvent) && !(await databaseAnswers())) {
              // Not the event's fault: leave it uncommitted and let KafkaJS redeliver once the database is back.
              eventLog.warn({ err: error }, 'database unavailable; event will be redelivered');
              throw error;
            }
            await deadLetter(topic, partition, message, event.type, error);
            return;
          }
          metrics.retried.inc({ topic, type: event.type });
          eventLog.warn({ err: error, attempt }, 'event handler failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 3 ** (attempt - 1), 3_000)));
        }
      }
    });
  }

  async function apply(
    event: Envelope,
    handler: (payload: unknown, ctx: HandlerContext<Tx>) => Promise<void>,
    eventLog: Logger,
  ): Promise<'applied' | 'duplicate'> {
    const spec = eventCatalog[event.type as EventType];
    const payload = spec.payload.safeParse(event.payload);
    if (!payload.success) throw new InvalidEvent(`invalid ${event.type} payload: ${payload.error.message}`);
    let published = false;
    const outcome = await options.db.$transaction(async (tx) => {
      const fresh = await tx.$executeRawUnsafe(
        'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING',
        group,
        event.id,
      );
      if (fresh === 0) return 'duplicate' as const;
      await handler(payload.data, {
        tx,
        event,
        log: eventLog,
        publish: async (...events) => {
          published ||= events.length > 0;
          await appendToOutbox(tx, events, options.topicPrefix);
        },
      });
      return 'applied' as const;
    });
    if (published) options.afterPublish?.();
    return outcome;
  }

  function parse(value: Buffer | null): Envelope {
    if (!value) throw new InvalidEvent('empty message');
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch {
      throw new InvalidEvent('message is not JSON');
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) throw new InvalidEvent(`invalid envelope: ${envelope.error.message}`);
    return envelope.data;
  }

  async function databaseAnswers(): Promise<boolean> {
    try {
      await options.db.$queryRawUnsafe('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async function deadLetter(
    topic: string,
    partition: number,
    message: EachMessagePayload['message'],
    type: string,
    error: unknown,
  ): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    await options.producer.send({
      topic: deadLetterTopicOf(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'dlq-error': reason.slice(0, 2000),
            'dlq-original-topic': topic,
            'dlq-original-partition': String(partition),
            'dlq-original-offset': message.offset,
            'dlq-consumer-group': group,
            'dlq-failed-at': new Date().toISOString(),
          },
        },
      ],
    });
    metrics.deadLettered.inc({ topic, type });
    log.error({ topic, partition, offset: message.offset, type, reason }, 'event dead-lettered');
  }

  return {
    consumer,
    joined,
    stop: () => consumer.disconnect(),
  };
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}

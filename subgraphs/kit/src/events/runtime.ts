/**
 * A service's event machinery in one place: the Kafka client, the outbox relay, and the consumer group
 * running the service's handlers, all on the database client given for events (a pool of their own). Kafka being unreachable at start does not stop the
 * service: writes go to the outbox, and the relay and consumers connect when the broker answers.
 */
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { KafkaSecuritySettings, ServiceName } from '../service-config.js';
import { consumerGroupOf } from './catalog.js';
import { startConsumer, type Handlers, type RunningConsumer } from './consumer.js';
import { createKafka, createProducer } from './kafka.js';
import { createEventMetrics } from './metrics.js';
import { OutboxRelay, type RelayDatabase, type RelayTx } from './relay.js';

export interface EventsConfig extends Partial<KafkaSecuritySettings> {
  KAFKA_BROKERS: string[];
  KAFKA_TOPIC_PREFIX: string;
  OUTBOX_POLL_MS: number;
  EVENT_MAX_ATTEMPTS: number;
}

export interface ServiceEvents {
  /** Asks the relay to publish now (pass it to the request side's `eventWriter`). */
  wake: () => void;
  /** Settles when the consumer group has joined for the first time (at once for a service without handlers). */
  joined: Promise<void>;
  /**
   * Readiness: fails until the consumer group has joined once. Later broker outages do not make the
   * service unready (writes still succeed through the outbox), so this never flaps.
   */
  ready: () => Promise<void>;
  stop: () => Promise<void>;
}

export function startServiceEvents<Tx extends RelayTx>(options: {
  service: ServiceName;
  config: EventsConfig;
  db: RelayDatabase<Tx>;
  log: Logger;
  metrics: Metrics;
  handlers: Handlers<Tx>;
}): ServiceEvents {
  const { service, config, db, log } = options;
  const kafka = createKafka(service, config, log);
  const producer = createProducer(kafka);
  const metrics = createEventMetrics(options.metrics.registry);
  const relay = new OutboxRelay({ db, producer, log: log.child({ component: 'outbox-relay' }), metrics, pollMs: config.OUTBOX_POLL_MS });
  let stopping = false;
  let consumer: RunningConsumer | null = null;
  let joined = Object.keys(options.handlers).length === 0;
  let markJoined = () => {};
  const firstJoin = joined ? Promise.resolve() : new Promise<void>((resolve) => (markJoined = resolve));

  const consume = async () => {
    consumer = await startConsumer({
      kafka,
      group: consumerGroupOf(service, config.KAFKA_TOPIC_PREFIX),
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      db,
      producer,
      handlers: options.handlers,
      log: log.child({ component: 'consumer' }),
      metrics,
      maxAttempts: config.EVENT_MAX_ATTEMPTS,
      afterPublish: () => relay.wake(),
    });
    await consumer.joined;
    joined = true;
    markJoined();
  };

  // Until the first connections succeed, keep trying in the background; KafkaJS reconnects by itself
  // after that. The HTTP side of the service does not wait for any of it.
  void retryUntil(() => producer.connect(), 'producer', log, () => stopping)
    .then(() => relay.start())
    .then(() => (joined ? undefined : retryUntil(consume, 'consumer', log, () => stopping)))
    .catch(() => undefined);

  return {
    wake: () => relay.wake(),
    joined: firstJoin,
    ready: async () => {
      if (!joined) throw new Error('event consumers have not joined their group yet');
    },
    stop: async () => {
      stopping = true;
      await relay.stop();
      await consumer?.stop();
      await producer.disconnect().catch(() => undefined);
    },
  };
}

async function retryUntil(fn: () => Promise<void>, what: string, log: Logger, stopped: () => boolean): Promise<void> {
  for (let attempt = 1; !stopped(); attempt += 1) {
    try {
      await fn();
      if (attempt > 1) log.info({ attempt }, `kafka ${what} connected`);
      return;
    } catch (error) {
      if (attempt === 1 || attempt % 10 === 0) log.warn({ err: error, attempt }, `kafka ${what} cannot connect yet; retrying`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 5_000)));
    }
  }
  throw new Error('stopped');
}

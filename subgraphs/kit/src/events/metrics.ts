/** Event metrics on each service's /metrics: what was published, consumed, retried, dead-lettered, and lag. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type EventMetrics = ReturnType<typeof createEventMetrics>;

export function createEventMetrics(registry: Registry) {
  const registers = [registry];
  return {
    published: new Counter({
      name: 'events_published_total',
      help: 'Events published from the outbox to Kafka',
      labelNames: ['topic', 'type'] as const,
      registers,
    }),
    consumed: new Counter({
      name: 'events_consumed_total',
      help: 'Events received by consumers, by outcome (applied, duplicate, ignored)',
      labelNames: ['topic', 'type', 'outcome'] as const,
      registers,
    }),
    retried: new Counter({
      name: 'events_retried_total',
      help: 'Failed attempts to apply an event that were retried',
      labelNames: ['topic', 'type'] as const,
      registers,
    }),
    batchFallbacks: new Counter({
      name: 'events_batch_fallbacks_total',
      help: 'Event batches whose transaction failed and whose events were applied again one at a time',
      labelNames: ['topic'] as const,
      registers,
    }),
    deadLettered: new Counter({
      name: 'events_dead_lettered_total',
      help: 'Events sent to a dead-letter topic',
      labelNames: ['topic', 'type'] as const,
      registers,
    }),
    relayFailures: new Counter({
      name: 'outbox_relay_failures_total',
      help: 'Outbox relay rounds that failed (broker or database unavailable)',
      registers,
    }),
    outboxPending: new Gauge({
      name: 'outbox_pending_events',
      help: 'Outbox rows not yet acknowledged by Kafka',
      registers,
    }),
    consumerLag: new Gauge({
      name: 'kafka_consumer_lag',
      help: 'Messages behind the end of the partition, per consumer group, topic and partition',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
    }),
    applyLag: new Histogram({
      name: 'event_apply_lag_seconds',
      help: 'Time from an event occurring to a consumer applying it',
      labelNames: ['type'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
  };
}

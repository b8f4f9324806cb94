/**
 * Keeps the entity cache fresh from the domain events: a KafkaJS consumer (the kit's `createKafka`, so
 * the platform's broker settings apply) reads every service's topic and purges what each event made
 * stale, as declared in @commerce/kit/events/cache-invalidation.
 *
 * Each router replica runs its own consumer group (a fresh one per process, starting at the latest
 * offsets), so every replica reads every event: each must purge its in-process fallback entries, and
 * each purges Redis too, after any answer it stored (see EntityCache.purge). An effect another service
 * derives from the event (`after`) is purged once that service's consumer group has committed past the
 * event, polled with the admin client, or after ENTITY_CACHE_DERIVED_WAIT_MS at the latest.
 *
 * Invalidation counts as up while the consumer completes fetches from the broker (KafkaJS `consumer.fetch`
 * events, at least every `maxWaitTimeInMs`); after ENTITY_CACHE_OUTAGE_AFTER_MS without one the cache
 * falls back to short TTLs (EntityCache.healthy).
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { cacheEffectsOf, type CacheEffect } from '@commerce/kit/events/cache-invalidation';
import { consumerGroupOf, envelopeSchema, eventCatalog, isEventType, topicOf } from '@commerce/kit/events/catalog';
import { createKafka, entityCacheGroupPrefix, type Consumer, type EachBatchPayload, type KafkaConnection, type KafkaMessage } from '@commerce/kit/events/kafka';
import type { Logger } from '@commerce/kit/logger';
import { SERVICES } from '@commerce/kit/service-config';
import type { RouterMetrics } from '../metrics.js';
import type { EntityCache } from './cache.js';

export interface InvalidationOptions {
  cache: EntityCache;
  /** The brokers and their TLS/SASL settings (the router's parsed KAFKA_* configuration). */
  kafka: KafkaConnection;
  topicPrefix: string;
  outageAfterMs: number;
  derivedWaitMs: number;
  log: Logger;
  metrics: RouterMetrics;
}

export interface Invalidation {
  healthy: () => boolean;
  /** Resolves once the consumer has joined its group and fetched once. */
  ready: Promise<void>;
  stop: () => Promise<void>;
}

interface DerivedPurge {
  group: string;
  topic: string;
  partition: number;
  offset: bigint;
  tags: string[];
  occurredAt: number;
  deadline: number;
}

const FETCH_WAIT_MS = 250;
const DERIVED_POLL_MS = 50;

export function startInvalidation(options: InvalidationOptions): Invalidation {
  const { cache, log, metrics } = options;
  const kafka = createKafka('router-entity-cache', options.kafka, log);
  // The prefix is what the router's KafkaUser may Read (routerKafkaAccess): keep the name under it.
  const groupId = `${entityCacheGroupPrefix(options.topicPrefix)}${hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`;
  const topics = SERVICES.map((service) => topicOf(service, options.topicPrefix));
  let lastFetch = 0;
  let stopping = false;
  let consumer: Consumer | null = null;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const healthy = () => lastFetch > 0 && Date.now() - lastFetch < options.outageAfterMs;
  cache.healthy = healthy;
  const gauge = setInterval(() => metrics.entityCacheInvalidationUp.set(healthy() ? 1 : 0), 500);
  gauge.unref();

  const pending: DerivedPurge[] = [];
  let admin: ReturnType<typeof kafka.admin> | null = null;
  let polling = false;
  const pollTimer = setInterval(() => void pollDerived(), DERIVED_POLL_MS);
  pollTimer.unref();

  /**
   * One purge for the effects of several events (a fetched batch, or the derived effects due at one
   * poll): the union of their tags in one Redis purge and one broadcast, and each event's lag observed.
   * Under write load the router reads several events per fetch; a purge each cost a Redis round trip and
   * a broadcast each (docs/router.md, "Invalidation").
   */
  async function purge(due: { tags: string[]; occurredAt: number }[], effect: 'direct' | 'derived'): Promise<void> {
    if (due.length === 0) return;
    await cache.purge([...new Set(due.flatMap((item) => item.tags))], 'event');
    const now = Date.now();
    for (const item of due) metrics.entityCacheInvalidationLag.observe({ effect }, Math.max(0, now - item.occurredAt) / 1000);
  }

  /** What one message makes stale; none for a message that is not a valid event of ours. */
  function effectsOf(message: KafkaMessage): { effects: CacheEffect[]; occurredAt: number } {
    try {
      const envelope = envelopeSchema.parse(JSON.parse(message.value?.toString('utf8') ?? ''));
      if (!isEventType(envelope.type)) return { effects: [], occurredAt: 0 };
      const payload = eventCatalog[envelope.type].payload.safeParse(envelope.payload);
      if (!payload.success) return { effects: [], occurredAt: 0 }; // the services dead-letter it; it changed nothing
      return { effects: cacheEffectsOf(envelope.type, payload.data as never), occurredAt: Date.parse(envelope.occurredAt) };
    } catch {
      return { effects: [], occurredAt: 0 }; // not an event of ours: nothing to purge
    }
  }

  async function handle({ batch }: EachBatchPayload): Promise<void> {
    const direct: { tags: string[]; occurredAt: number }[] = [];
    for (const message of batch.messages) {
      const { effects, occurredAt } = effectsOf(message);
      for (const effect of effects) {
        if (effect.tags.length === 0) continue;
        if (!effect.after) {
          direct.push({ tags: effect.tags, occurredAt });
          continue;
        }
        pending.push({
          group: consumerGroupOf(effect.after, options.topicPrefix),
          topic: batch.topic,
          partition: batch.partition,
          offset: BigInt(message.offset),
          tags: effect.tags,
          occurredAt,
          deadline: Date.now() + options.derivedWaitMs,
        });
      }
    }
    await purge(direct, 'direct');
  }

  /** Purges the derived effects whose service has committed past their event (or waited long enough). */
  async function pollDerived(): Promise<void> {
    if (polling || pending.length === 0) return;
    polling = true;
    try {
      const committed = new Map<string, bigint>();
      const pairs = new Set(pending.filter((item) => item.deadline > Date.now()).map((item) => `${item.group}\n${item.topic}`));
      if (pairs.size > 0) {
        if (!admin) {
          admin = kafka.admin();
          await admin.connect();
        }
        for (const pair of pairs) {
          const [groupId, topic] = pair.split('\n') as [string, string];
          for (const entry of await admin.fetchOffsets({ groupId, topics: [topic] })) {
            for (const { partition, offset } of entry.partitions) committed.set(`${pair}\n${partition}`, BigInt(offset));
          }
        }
      }
      const now = Date.now();
      const due = pending.splice(0).filter((item) => {
        const offset = committed.get(`${item.group}\n${item.topic}\n${item.partition}`) ?? -1n;
        if (offset > item.offset || now >= item.deadline) return true;
        pending.push(item);
        return false;
      });
      await purge(due, 'derived');
    } catch (error) {
      log.warn({ err: error }, 'entity cache: cannot read consumer group offsets; derived purges wait');
      // Past their deadline they go anyway, broker or not.
      const now = Date.now();
      const due = pending.splice(0).filter((item) => {
        if (now >= item.deadline) return true;
        pending.push(item);
        return false;
      });
      await purge(due, 'derived').catch(() => undefined);
    } finally {
      polling = false;
    }
  }

  async function connect(): Promise<void> {
    const next = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: FETCH_WAIT_MS, retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 20 } });
    next.on(next.events.FETCH, () => {
      lastFetch = Date.now();
      markReady();
    });
    next.on(next.events.CRASH, ({ payload }) => {
      log.warn({ err: payload.error, restart: payload.restart }, 'entity cache: invalidation consumer crashed');
      if (!payload.restart && !stopping) void next.disconnect().finally(() => void start());
    });
    consumer = next;
    await next.connect();
    await next.subscribe({ topics, fromBeginning: false });
    await next.run({ partitionsConsumedConcurrently: topics.length, eachBatch: handle });
    log.info({ groupId, topics }, 'entity cache: invalidation consumer started');
  }

  /** Connects in the background until it succeeds: the router serves (with short TTLs) meanwhile. */
  async function start(): Promise<void> {
    for (let attempt = 1; !stopping; attempt += 1) {
      try {
        await connect();
        return;
      } catch (error) {
        await consumer?.disconnect().catch(() => undefined);
        if (attempt === 1 || attempt % 10 === 0) log.warn({ err: error, attempt }, 'entity cache: cannot reach the broker yet; entries use the fallback TTL');
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 5_000)));
      }
    }
  }
  void start();

  return {
    healthy,
    ready,
    stop: async () => {
      stopping = true;
      clearInterval(gauge);
      clearInterval(pollTimer);
      await consumer?.disconnect().catch(() => undefined);
      await admin?.disconnect().catch(() => undefined);
    },
  };
}

/**
 * The entity cache as the router runs it (docs/router.md, "Entity cache"): the cache over Redis with
 * the in-process fallback, and the event consumer that keeps it fresh. Null when ENTITY_CACHE_ENABLED
 * is false: no lookups, no consumer.
 */
import { getNamedType, type GraphQLSchema } from 'graphql';
import type { Logger } from '@commerce/kit/logger';
import type { Config } from '../config.js';
import type { RouterMetrics } from '../metrics.js';
import type { KeyValueStore } from '../store.js';
import { PurgeBroadcast } from './broadcast.js';
import { EntityCache, type NearCache } from './cache.js';
import { startInvalidation, type Invalidation } from './invalidation.js';
import { FallbackBackend, MemoryBackend, RedisBackend } from './store.js';

export { EntityCache } from './cache.js';

export interface RunningEntityCache {
  cache: EntityCache;
  invalidation: Invalidation;
  /** Reads the root fields' types from a newly loaded API schema. */
  setSchema: (schema: GraphQLSchema) => void;
  close: () => Promise<void>;
}

export function createEntityCache(config: Config, store: KeyValueStore, log: Logger, metrics: RouterMetrics): RunningEntityCache | null {
  if (!config.ENTITY_CACHE_ENABLED) return null;
  const cacheLog = log.child({ component: 'entity-cache' });
  // Entries belong to the event stream that invalidates them: deployments (and test runs) with other
  // topic prefixes on the same Redis never share them.
  const keyPrefix = `${config.ENTITY_CACHE_KEY_PREFIX}${config.KAFKA_TOPIC_PREFIX}`;
  const backend = new FallbackBackend(
    store.redis ? new RedisBackend(store.redis, keyPrefix, config.ENTITY_CACHE_MAX_TTL_SECONDS) : null,
    new MemoryBackend(config.ENTITY_CACHE_MAX_ENTRIES, config.ENTITY_CACHE_MAX_MEMORY_BYTES),
    cacheLog,
  );
  // The near cache (copies of Redis entries in this process) needs every replica's purges: it is used
  // only while this replica is subscribed to their broadcast (broadcast.ts).
  let broadcast: PurgeBroadcast | null = null;
  const near: NearCache | undefined = store.redis
    ? { entries: new MemoryBackend(config.ENTITY_CACHE_MAX_ENTRIES, config.ENTITY_CACHE_MAX_MEMORY_BYTES), ready: () => broadcast?.ready ?? false, publish: async (purge) => broadcast?.publish(purge) }
    : undefined;
  const cache = new EntityCache({
    near,
    backend,
    keyPrefix,
    maxTtlSeconds: config.ENTITY_CACHE_MAX_TTL_SECONDS,
    fallbackTtlSeconds: config.ENTITY_CACHE_FALLBACK_TTL_SECONDS,
    maxEntryBytes: config.ENTITY_CACHE_MAX_ENTRY_BYTES,
    metrics,
  });
  if (store.redis) {
    broadcast = new PurgeBroadcast({
      publisher: store.redis,
      // Its own connection, resubscribed by PurgeBroadcast itself after each reconnect (it then knows when).
      subscriber: store.redis.duplicate({ autoResubscribe: false }),
      channel: `${keyPrefix}purge`,
      onPurge: (purge) => void cache.applyBroadcast(purge).catch((error: unknown) => cacheLog.warn({ err: error }, 'entity cache: applying a broadcast purge failed')),
      onReset: () => cache.resetNear(),
      log: cacheLog,
    });
  }
  const invalidation = startInvalidation({
    cache,
    kafka: config,
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    outageAfterMs: config.ENTITY_CACHE_OUTAGE_AFTER_MS,
    derivedWaitMs: config.ENTITY_CACHE_DERIVED_WAIT_MS,
    log: cacheLog,
    metrics,
  });
  // Nothing purged entries while no router was reading the events (all replicas down, a reset database
  // behind a restarted stack), so a starting replica drops the deployment's entries. Until that is done
  // (and until the consumer fetches) invalidation is down, so no older entry is served meanwhile.
  let startPurged = backend.redis === null;
  cache.healthy = () => startPurged && invalidation.healthy();
  void backend.redis
    ?.purgeAll()
    .then((purged) => cacheLog.info({ purged }, 'entity cache: entries of earlier routers purged at start'))
    .catch((error: unknown) => cacheLog.warn({ err: error }, 'entity cache: purge at start failed; older entries expire by their TTL'))
    .finally(() => (startPurged = true));
  return {
    cache,
    invalidation,
    setSchema: (schema) => cache.setRootTypes(rootTypesOf(schema, 'query'), rootTypesOf(schema, 'mutation')),
    close: async () => {
      await invalidation.stop();
      broadcast?.close();
    },
  };
}

/** Each root field of an operation type → the name of the type it returns (lists and non-null removed). */
export function rootTypesOf(schema: GraphQLSchema, operation: 'query' | 'mutation'): Map<string, string> {
  const root = operation === 'query' ? schema.getQueryType() : schema.getMutationType();
  return new Map(Object.values(root?.getFields() ?? {}).map((field) => [field.name, getNamedType(field.type).name]));
}

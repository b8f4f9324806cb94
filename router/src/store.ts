/**
 * Where router replicas share state: Redis when REDIS_URL is set; otherwise this process's memory,
 * which is right for one replica only (the router says so at start).
 */
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from '@commerce/kit/logger';

export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The Redis connection, for the rate limiter; null in memory mode. */
  redis: Redis | null;
}

/** Characters of keys and values the in-process store keeps at most (about as many bytes: ASCII). */
const MEMORY_STORE_CHARS = 64 * 1024 * 1024;

export function createStore(redisUrl: string | undefined, log: Logger): KeyValueStore {
  if (!redisUrl) {
    log.warn('REDIS_URL is unset: APQ cache and rate-limit counters are kept in this process (fine for one router replica only)');
    // APQ documents are up to MAX_DOCUMENT_LENGTH each, registered by any client: bounded by size too.
    const cache = new LRUCache<string, string>({ max: 10_000, maxSize: MEMORY_STORE_CHARS, sizeCalculation: (value, key) => key.length + value.length + 1, ttlAutopurge: false });
    return {
      get: async (key) => cache.get(key),
      set: async (key, value, ttlSeconds) => void cache.set(key, value, { ttl: ttlSeconds * 1000 }),
      ping: async () => undefined,
      close: async () => undefined,
      redis: null,
    };
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000, lazyConnect: false });
  redis.on('error', (error) => log.warn({ err: error }, 'redis error'));
  return {
    get: async (key) => (await redis.get(key)) ?? undefined,
    set: async (key, value, ttlSeconds) => void (await redis.set(key, value, 'EX', ttlSeconds)),
    ping: async () => void (await redis.ping()),
    close: async () => void (await redis.quit().catch(() => redis.disconnect())),
    redis,
  };
}

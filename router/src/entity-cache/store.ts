/**
 * Where entity cache entries live: Redis (shared by router replicas) when REDIS_URL is set, with this
 * process's memory as the fallback while Redis is unset or failing, like the rate limiter's. Entries
 * are indexed by tag (a Redis set per tag) so an event can purge every entry holding an entity or a
 * list; the memory store keeps the same index.
 */
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from '@commerce/kit/logger';

export interface CacheBackend {
  getMany(keys: string[]): Promise<(string | undefined)[]>;
  set(entries: { key: string; value: string; ttlSeconds: number; tags: string[] }[]): Promise<void>;
  /** Removes every entry holding one of `tags`; resolves to how many were removed. */
  purgeTags(tags: string[]): Promise<number>;
  /** Removes every entry. */
  purgeAll(): Promise<number>;
}

/**
 * In-process entries: an LRU bounded by count and by size, each with its TTL, and a tag → keys index.
 * The size of an entry is its key's and JSON text's length in characters (a byte each in V8's one-byte
 * strings, which ASCII JSON is): with the count alone, entries of up to ENTITY_CACHE_MAX_ENTRY_BYTES each
 * could hold gigabytes (10,000 × 256 KiB), which unique large answers during a Redis outage would fill.
 */
export class MemoryBackend implements CacheBackend {
  private readonly tagIndex = new Map<string, Set<string>>();
  private readonly entries: LRUCache<string, { value: string; tags: string[] }>;

  /** `maxEntries` entries and `maxChars` characters of keys and texts at most; an entry larger than that is not kept. */
  constructor(maxEntries: number, maxChars: number) {
    this.entries = new LRUCache({
      max: maxEntries,
      maxSize: maxChars,
      sizeCalculation: (entry, key) => key.length + entry.value.length,
      ttlAutopurge: false,
      dispose: (entry, key) => {
        for (const tag of entry.tags) {
          const keys = this.tagIndex.get(tag);
          keys?.delete(key);
          if (keys?.size === 0) this.tagIndex.delete(tag);
        }
      },
    });
  }

  async getMany(keys: string[]): Promise<(string | undefined)[]> {
    return keys.map((key) => this.entries.get(key)?.value);
  }

  /** One entry's text, if held and within its TTL (synchronous: the near cache's read). */
  get(key: string): string | undefined {
    return this.entries.get(key)?.value;
  }

  async set(entries: { key: string; value: string; ttlSeconds: number; tags: string[] }[]): Promise<void> {
    for (const { key, value, ttlSeconds, tags } of entries) {
      this.entries.set(key, { value, tags }, { ttl: ttlSeconds * 1000 });
      // Larger than the whole budget: not kept (lru-cache drops it), so not indexed either.
      if (!this.entries.has(key)) continue;
      for (const tag of tags) {
        let keys = this.tagIndex.get(tag);
        if (!keys) this.tagIndex.set(tag, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  async purgeTags(tags: string[]): Promise<number> {
    let removed = 0;
    for (const tag of tags) {
      for (const key of [...(this.tagIndex.get(tag) ?? [])]) if (this.entries.delete(key)) removed += 1;
      this.tagIndex.delete(tag);
    }
    return removed;
  }

  async purgeAll(): Promise<number> {
    const size = this.entries.size;
    this.entries.clear();
    this.tagIndex.clear();
    return size;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Characters held (keys and texts), what the size bound counts. */
  get chars(): number {
    return this.entries.calculatedSize;
  }
}

/** Deletes the entries of each tag set given as KEYS, and the sets; returns how many entries went. */
const PURGE_TAGS = `
local removed = 0
for _, tag in ipairs(KEYS) do
  local keys = redis.call('SMEMBERS', tag)
  for i = 1, #keys, 500 do
    removed = removed + redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys)))
  end
  redis.call('DEL', tag)
end
return removed`;

/**
 * Entries in Redis: `SET key value EX ttl`, and each key added to its tags' sets (`<prefix>tag:<tag>`),
 * which expire with the longest entry they may index. A tag set may name keys that already expired;
 * purging them is a no-op.
 */
export class RedisBackend implements CacheBackend {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxTtlSeconds: number,
  ) {}

  private tagKey(tag: string): string {
    return `${this.prefix}tag:${tag}`;
  }

  async getMany(keys: string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    return (await this.redis.mget(...keys)).map((value) => value ?? undefined);
  }

  async set(entries: { key: string; value: string; ttlSeconds: number; tags: string[] }[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.multi();
    for (const { key, value, ttlSeconds, tags } of entries) {
      pipeline.set(key, value, 'EX', ttlSeconds);
      for (const tag of tags) pipeline.sadd(this.tagKey(tag), key).expire(this.tagKey(tag), this.maxTtlSeconds);
    }
    await pipeline.exec();
  }

  async purgeTags(tags: string[]): Promise<number> {
    if (tags.length === 0) return 0;
    return Number(await this.redis.eval(PURGE_TAGS, tags.length, ...tags.map((tag) => this.tagKey(tag))));
  }

  async purgeAll(): Promise<number> {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) removed += await this.redis.del(...keys);
    } while (cursor !== '0');
    return removed;
  }
}

/**
 * Redis first, memory when Redis is unset or fails (a failed read is a miss from memory, a failed write
 * lands in memory). Purges reach both: entries may sit in memory from an earlier Redis outage.
 */
export class FallbackBackend {
  constructor(
    readonly redis: RedisBackend | null,
    readonly memory: MemoryBackend,
    private readonly log: Logger,
  ) {}

  private warned = 0;

  private failed(error: unknown, what: string): void {
    // One warning per ten seconds: during an outage every request would log it.
    if (Date.now() - this.warned < 10_000) return;
    this.warned = Date.now();
    this.log.warn({ err: error }, `entity cache: redis ${what} failed; using this process's memory`);
  }

  async getMany(keys: string[]): Promise<(string | undefined)[]> {
    if (this.redis) {
      try {
        return await this.redis.getMany(keys);
      } catch (error) {
        this.failed(error, 'read');
      }
    }
    return this.memory.getMany(keys);
  }

  async set(entries: { key: string; value: string; ttlSeconds: number; tags: string[] }[]): Promise<void> {
    if (this.redis) {
      try {
        return await this.redis.set(entries);
      } catch (error) {
        this.failed(error, 'write');
      }
    }
    await this.memory.set(entries);
  }

  /** Purges memory always, and Redis when `shared`. */
  async purgeTags(tags: string[], shared: boolean): Promise<number> {
    let removed = await this.memory.purgeTags(tags);
    if (this.redis && shared) {
      try {
        removed += await this.redis.purgeTags(tags);
      } catch (error) {
        this.failed(error, 'purge');
      }
    }
    return removed;
  }

  async purgeAll(): Promise<number> {
    let removed = await this.memory.purgeAll();
    if (this.redis) removed += await this.redis.purgeAll();
    return removed;
  }
}

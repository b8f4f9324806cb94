/**
 * The entity cache: subgraph query fetches answered from cached entries where the subgraph's cache
 * hints allow it (Apollo Router's entity caching, kept fresh by events rather than TTLs alone).
 *
 * - `_entities` fetches are cached per entity: the representations found are answered from the cache
 *   and only the others are sent to the subgraph (in their original order, errors renumbered).
 * - Root fetches are cached whole, when every root field can be invalidated (see keys.ts `rootTags`).
 * - Mutations are never cached; their answers purge the entities they return (and the caller's own
 *   `User` entries) at once, so a client reads its own write through this router before the event
 *   arrives.
 *
 * The policy (max-age and scope) comes from the subgraph's `Cache-Control` answer; it is remembered per
 * subgraph and selection, so the next fetch knows which scope to look up (a PRIVATE answer is keyed by
 * the caller's claims) or that the selection is not cacheable at all (no lookup is made).
 *
 * While invalidation is down (`healthy()` false), entries older than the fallback TTL are not served
 * and new ones live only that long. A fetch that started before a purge of one of its entry's tags
 * does not store its (possibly older) answer.
 */
import { LRUCache } from 'lru-cache';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { entityTag } from '@commerce/kit/events/cache-invalidation';
import type { RouterMetrics } from '../metrics.js';
import { parseCacheControl, type CacheScope } from './hints.js';
import { cacheableRepresentation, entityKey, entityTags, mutationTags, rootFieldsOf, rootKey, rootTags, scopeKey, selectionHash, type RootFields } from './keys.js';
import type { BroadcastPurge } from './broadcast.js';
import type { FallbackBackend, MemoryBackend } from './store.js';

export interface FetchRequest {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export type SendFetch = (request: FetchRequest) => Promise<{ response: GatewayGraphQLResponse; cacheControl: string | undefined }>;

export interface EntityCacheOptions {
  backend: FallbackBackend;
  keyPrefix: string;
  maxTtlSeconds: number;
  fallbackTtlSeconds: number;
  maxEntryBytes: number;
  metrics: RouterMetrics;
  /** This process's copies of Redis entries, read before Redis (absent: every lookup goes to Redis). */
  near?: NearCache;
}

/**
 * The near cache: copies of Redis entries in this process, so a hit costs no round trip. It holds
 * nothing a purge has reached: every purge, by any replica, purges Redis and then is published to every
 * replica (`publish`), which drops it here; an entry read from Redis is copied only when no purge ran on
 * this replica while Redis answered; a copy lives no longer than the Redis entry (its `t` + `x`). It is
 * used only while `ready` (this replica hears every published purge) and emptied whenever that changes.
 */
export interface NearCache {
  entries: MemoryBackend;
  /** Whether purges published from now on reach this replica (PurgeBroadcast.ready). */
  ready: () => boolean;
  /** Publishes a purge this replica made (after its Redis purge) to every other replica. */
  publish: (purge: BroadcastPurge) => Promise<void>;
}

interface Entry {
  /** The cached value: one entity, or a root fetch's `data`. */
  v: unknown;
  /** When it was stored (ms since the epoch). */
  t: number;
  /** Its lifetime in Redis (seconds), and its tags: what a near copy needs (absent in older entries: not copied). */
  x?: number;
  g?: string[];
}

type Claims = { sub?: unknown; scope?: unknown } | null | undefined;

export type PurgeSource = 'event' | 'mutation' | 'admin';

/** The type a tag is about, for metrics: `Product:<id>` → Product, `Query.products`, `type:User` → User. */
export function tagType(tag: string): string {
  if (tag.startsWith('type:')) return tag.slice(5);
  const colon = tag.indexOf(':');
  return colon < 0 ? tag : tag.slice(0, colon);
}

export class EntityCache {
  /** What each subgraph + selection answered last: its scope, or that it may not be cached. */
  private readonly policies = new LRUCache<string, { scope: CacheScope } | 'uncacheable'>({ max: 5_000, ttl: 60_000 });
  /** Root fields per subgraph query text; the texts grow with the client's documents, so bounded by size (16 M characters) too. */
  private readonly parsed = new LRUCache<string, { value: ReturnType<typeof rootFieldsOf> }>({ max: 2_000, maxSize: 16 * 1024 * 1024, sizeCalculation: (_, query) => query.length + 100 });
  /** When each tag was last purged, to refuse storing answers fetched before (ms since the epoch). */
  private readonly purgedAt = new LRUCache<string, number>({ max: 100_000, ttl: 300_000 });
  private purgedAllAt = 0;
  /** Counts purges (and near cache resets) in this process: a Redis read spanning one is not copied near. */
  private purges = 0;
  private rootTypes = { query: new Map<string, string>(), mutation: new Map<string, string>() };
  /** Whether invalidation is working; without a consumer (tests of the cache alone) it never is. */
  healthy: () => boolean = () => false;

  constructor(private readonly options: EntityCacheOptions) {}

  /** The named type of each Query and Mutation field (from the API schema, after every load). */
  setRootTypes(query: Map<string, string>, mutation: Map<string, string>): void {
    this.rootTypes = { query, mutation };
  }

  /** Answers one fetch of `subgraph`, from the cache where allowed, else by `send`. */
  async fetch(subgraph: string, request: FetchRequest, claims: Claims, send: SendFetch): Promise<GatewayGraphQLResponse> {
    const root = this.rootFieldsOf(request.query ?? '');
    if (!root) return (await send(request)).response;
    if (root.operation === 'mutation') {
      const { response } = await send(request);
      const tags = mutationTags(root, response.data, this.rootTypes.mutation, request.variables);
      // A caller's write usually changes the caller's own lists (orders, reviews) and counts: drop them too.
      if (typeof claims?.sub === 'string' && claims.sub !== '') tags.push(entityTag('User', claims.sub));
      if (tags.length > 0) await this.purge(tags, 'mutation');
      return response;
    }
    if (root.operation !== 'query') return (await send(request)).response;
    const representations = request.variables?.representations;
    if (root.fields.length === 1 && root.fields[0]!.name === '_entities' && Array.isArray(representations)) {
      return this.entities(subgraph, request, representations, root.fields[0]!.responseKey, claims, send);
    }
    return this.rootFetch(subgraph, request, root, claims, send);
  }

  private rootFieldsOf(query: string) {
    let memo = this.parsed.get(query);
    if (!memo) this.parsed.set(query, (memo = { value: rootFieldsOf(query) }));
    return memo.value;
  }

  private async entities(subgraph: string, request: FetchRequest, representations: unknown[], responseKey: string, claims: Claims, send: SendFetch): Promise<GatewayGraphQLResponse> {
    const started = Date.now();
    const selection = selectionHash(request.query ?? '', request.variables);
    const policyKey = `${subgraph}\n${selection}`;
    const policy = this.policies.get(policyKey);
    const typeOf = (value: unknown) => String((value as { __typename?: unknown } | null)?.__typename ?? 'unknown');
    if (policy === 'uncacheable') return (await send(request)).response;
    const scope = policy ? scopeKey(policy.scope, claims) : null;
    const found: unknown[] = new Array(representations.length).fill(undefined);
    if (scope !== null) {
      const keys = representations.map((rep) => (cacheableRepresentation(rep) ? entityKey(this.options.keyPrefix, subgraph, rep, selection, scope) : null));
      const present = keys.filter((key): key is string => key !== null);
      const values = await this.lookup(present);
      let next = 0;
      keys.forEach((key, index) => {
        if (key !== null) found[index] = this.fresh(values[next++]);
      });
    }
    const missing: number[] = [];
    found.forEach((value, index) => {
      const outcome = value === undefined ? 'miss' : 'hit';
      if (value === undefined) missing.push(index);
      if (policy) this.options.metrics.entityCacheRequests.inc({ subgraph, type: typeOf(representations[index]), outcome });
    });
    if (missing.length === 0) return { data: { [responseKey]: found } };

    const subset = missing.length === representations.length ? request : { ...request, variables: { ...request.variables, representations: missing.map((index) => representations[index]) } };
    const { response, cacheControl } = await send(subset);
    const fetched = (response.data as Record<string, unknown> | null | undefined)?.[responseKey];
    const learned = this.learn(policyKey, response, cacheControl);
    if (!Array.isArray(fetched) || fetched.length !== missing.length) return missing.length === representations.length ? response : { ...response, data: null };

    if (learned && !response.errors?.length) {
      const learnedScope = scopeKey(learned.scope, claims);
      if (learnedScope !== null) {
        const ttlSeconds = this.ttl(learned.maxAge);
        const entries = missing.flatMap((index, position) => {
          const rep = representations[index];
          const value = fetched[position];
          if (value === null || value === undefined || !cacheableRepresentation(rep)) return [];
          return this.entry(entityKey(this.options.keyPrefix, subgraph, rep, selection, learnedScope), value, ttlSeconds, entityTags(rep), started);
        });
        this.store(entries);
      }
    }
    if (missing.length === representations.length) return response;
    const merged = found.slice();
    missing.forEach((index, position) => (merged[index] = fetched[position]));
    const errors = response.errors?.map((error) => {
      const path = error.path;
      if (path?.[0] !== responseKey || typeof path[1] !== 'number') return error;
      return { ...error, path: [path[0], missing[path[1]] ?? path[1], ...path.slice(2)] };
    });
    return { ...response, data: { ...response.data, [responseKey]: merged }, ...(errors ? { errors } : {}) };
  }

  private async rootFetch(subgraph: string, request: FetchRequest, root: RootFields, claims: Claims, send: SendFetch): Promise<GatewayGraphQLResponse> {
    const started = Date.now();
    const selection = selectionHash(request.query ?? '', request.variables);
    const policyKey = `${subgraph}\n${selection}`;
    const policy = this.policies.get(policyKey);
    if (policy === 'uncacheable') return (await send(request)).response;
    const scope = policy ? scopeKey(policy.scope, claims) : null;
    if (scope !== null) {
      const [value] = await this.lookup([rootKey(this.options.keyPrefix, subgraph, selection, scope)]);
      const data = this.fresh(value);
      this.options.metrics.entityCacheRequests.inc({ subgraph, type: 'Query', outcome: data === undefined ? 'miss' : 'hit' });
      if (data !== undefined) return { data: data as Record<string, unknown> };
    } else if (policy) {
      this.options.metrics.entityCacheRequests.inc({ subgraph, type: 'Query', outcome: 'miss' });
    }
    const { response, cacheControl } = await send(request);
    const learned = this.learn(policyKey, response, cacheControl);
    const data = response.data as Record<string, unknown> | null | undefined;
    if (learned && data && !response.errors?.length) {
      const learnedScope = scopeKey(learned.scope, claims);
      const tags = rootTags(root, data, this.rootTypes.query, request.variables);
      if (learnedScope !== null && tags !== null) {
        this.store(this.entry(rootKey(this.options.keyPrefix, subgraph, selection, learnedScope), data, this.ttl(learned.maxAge), tags, started));
      }
    }
    return response;
  }

  /** Remembers a selection's policy from an answer without errors (an error answer says no-store). */
  private learn(policyKey: string, response: GatewayGraphQLResponse, cacheControl: string | undefined) {
    const learned = parseCacheControl(cacheControl);
    if (!response.errors?.length && response.data) this.policies.set(policyKey, learned ? { scope: learned.scope } : 'uncacheable');
    return learned;
  }

  /**
   * The entries stored under `keys` (undefined where none), from the near cache where it holds them,
   * else from the backend; what Redis answered is copied near unless a purge ran meanwhile (the answer
   * may predate it). Each text is parsed here, so every caller gets its own copy to change.
   */
  private async lookup(keys: string[]): Promise<(Entry | undefined)[]> {
    const near = this.options.near;
    if (!near?.ready()) return (await this.options.backend.getMany(keys)).map(parseEntry);
    const result: (Entry | undefined)[] = new Array(keys.length);
    const missing: number[] = [];
    keys.forEach((key, index) => {
      const text = near.entries.get(key);
      if (text === undefined) missing.push(index);
      else result[index] = parseEntry(text);
    });
    if (missing.length === 0) return result;
    const purges = this.purges;
    const texts = await this.options.backend.getMany(missing.map((index) => keys[index]!));
    const copy = this.purges === purges && near.ready();
    const now = Date.now();
    const copies: { key: string; value: string; ttlSeconds: number; tags: string[] }[] = [];
    missing.forEach((index, position) => {
      const text = texts[position];
      const entry = parseEntry(text);
      result[index] = entry;
      if (!copy || text === undefined || entry?.x === undefined || entry.g === undefined) return;
      const remainingMs = entry.t + entry.x * 1000 - now;
      if (remainingMs > 0) copies.push({ key: keys[index]!, value: text, ttlSeconds: remainingMs / 1000, tags: entry.g });
    });
    if (copies.length > 0) void near.entries.set(copies);
    return result;
  }

  /** An entry's value if it may be served: stored, and (while invalidation is down) young enough. */
  private fresh(entry: Entry | undefined): unknown {
    if (entry === undefined) return undefined;
    if (!this.healthy() && Date.now() - entry.t > this.options.fallbackTtlSeconds * 1000) return undefined;
    return entry.v;
  }

  private ttl(maxAge: number): number {
    return Math.max(1, Math.min(maxAge, this.options.maxTtlSeconds, this.healthy() ? Infinity : this.options.fallbackTtlSeconds));
  }

  /** One entry to store, unless it is too large or one of its tags was purged after its fetch began. */
  private entry(key: string, value: unknown, ttlSeconds: number, tags: string[], started: number) {
    if (this.purgedAllAt >= started || tags.some((tag) => (this.purgedAt.get(tag) ?? 0) >= started)) return [];
    const text = JSON.stringify({ v: value, t: Date.now(), x: ttlSeconds, g: tags } satisfies Entry);
    if (Buffer.byteLength(text) > this.options.maxEntryBytes) return [];
    return [{ key, value: text, ttlSeconds, tags }];
  }

  private store(entries: { key: string; value: string; ttlSeconds: number; tags: string[] }[]): void {
    // Not awaited: the answer does not wait for the write; a failed write is only a later miss.
    if (entries.length === 0) return;
    void this.options.backend.set(entries).catch(() => undefined);
    // The tags were checked against this process's purges just now (entry), with nothing awaited since.
    if (this.options.near?.ready()) void this.options.near.entries.set(entries);
  }

  /**
   * Purges every entry holding one of `tags`, in Redis and in this process; resolves to how many went.
   * Every replica purges Redis for every event it reads: one replica's purge cannot cover a fetch another
   * replica started before it and stores after it, but that replica's own purge, which follows its store,
   * does.
   */
  async purge(tags: string[], source: PurgeSource): Promise<number> {
    const now = Date.now();
    this.purges += 1;
    for (const tag of tags) {
      this.purgedAt.set(tag, now);
      this.options.metrics.entityCacheInvalidations.inc({ type: tagType(tag), source });
    }
    const near = this.options.near;
    if (near) await near.entries.purgeTags(tags);
    const removed = await this.options.backend.purgeTags(tags, true);
    // Published after Redis: a replica that reads Redis once the message reached it finds the entries
    // gone. Events' purges too, though every replica reads every event: replica A may copy near an entry
    // that replica B stored in Redis after A's purge of the event (B's fetch began before it); B's own
    // purge, which follows its store, must reach A's copy as it reaches Redis.
    if (near) await near.publish({ tags });
    return removed;
  }

  /** Purges every entry (the operator's purge). */
  async purgeAll(): Promise<number> {
    this.purgedAllAt = Date.now();
    this.purges += 1;
    this.options.metrics.entityCacheInvalidations.inc({ type: 'all', source: 'admin' });
    const near = this.options.near;
    if (near) await near.entries.purgeAll();
    const removed = await this.options.backend.purgeAll();
    if (near) await near.publish({ all: true });
    return removed;
  }

  /**
   * Another replica's purge, published after its Redis purge: drops it from this process (near cache
   * and in-process fallback entries), and from answers of fetches that started before it.
   */
  async applyBroadcast(purge: BroadcastPurge): Promise<void> {
    const now = Date.now();
    this.purges += 1;
    if ('all' in purge) {
      this.purgedAllAt = now;
      await this.options.near?.entries.purgeAll();
      await this.options.backend.memory.purgeAll();
      return;
    }
    for (const tag of purge.tags) this.purgedAt.set(tag, now);
    await this.options.near?.entries.purgeTags(purge.tags);
    await this.options.backend.purgeTags(purge.tags, false);
  }

  /** Empties the near cache (its replica may have missed purges, or is about to hear them again). */
  resetNear(): void {
    this.purges += 1;
    void this.options.near?.entries.purgeAll();
  }
}

/** A stored entry's text parsed; undefined for none or for text that is not an entry. */
function parseEntry(text: string | undefined): Entry | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Entry;
  } catch {
    return undefined;
  }
}

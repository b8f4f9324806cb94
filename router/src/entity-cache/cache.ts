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
import { cacheableRepresentation, entityKey, entityTags, mutationTags, rootFieldsOf, rootKey, rootTags, scopeKey, selectionHash, type RootField } from './keys.js';
import type { FallbackBackend } from './store.js';

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
}

interface Entry {
  /** The cached value: one entity, or a root fetch's `data`. */
  v: unknown;
  /** When it was stored (ms since the epoch). */
  t: number;
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
  private readonly parsed = new LRUCache<string, { value: ReturnType<typeof rootFieldsOf> }>({ max: 2_000 });
  /** When each tag was last purged, to refuse storing answers fetched before (ms since the epoch). */
  private readonly purgedAt = new LRUCache<string, number>({ max: 100_000, ttl: 300_000 });
  private purgedAllAt = 0;
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
      const tags = mutationTags(root.fields, response.data, this.rootTypes.mutation, request.variables);
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
    return this.rootFetch(subgraph, request, root.fields, claims, send);
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
      const values = await this.options.backend.getMany(present);
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

  private async rootFetch(subgraph: string, request: FetchRequest, fields: RootField[], claims: Claims, send: SendFetch): Promise<GatewayGraphQLResponse> {
    const started = Date.now();
    const selection = selectionHash(request.query ?? '', request.variables);
    const policyKey = `${subgraph}\n${selection}`;
    const policy = this.policies.get(policyKey);
    if (policy === 'uncacheable') return (await send(request)).response;
    const scope = policy ? scopeKey(policy.scope, claims) : null;
    if (scope !== null) {
      const [value] = await this.options.backend.getMany([rootKey(this.options.keyPrefix, subgraph, selection, scope)]);
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
      const tags = rootTags(fields, data, this.rootTypes.query, request.variables);
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

  /** An entry's value if it may be served: stored, and (while invalidation is down) young enough. */
  private fresh(text: string | undefined): unknown {
    if (text === undefined) return undefined;
    let entry: Entry;
    try {
      entry = JSON.parse(text) as Entry;
    } catch {
      return undefined;
    }
    if (!this.healthy() && Date.now() - entry.t > this.options.fallbackTtlSeconds * 1000) return undefined;
    return entry.v;
  }

  private ttl(maxAge: number): number {
    return Math.max(1, Math.min(maxAge, this.options.maxTtlSeconds, this.healthy() ? Infinity : this.options.fallbackTtlSeconds));
  }

  /** One entry to store, unless it is too large or one of its tags was purged after its fetch began. */
  private entry(key: string, value: unknown, ttlSeconds: number, tags: string[], started: number) {
    if (this.purgedAllAt >= started || tags.some((tag) => (this.purgedAt.get(tag) ?? 0) >= started)) return [];
    const text = JSON.stringify({ v: value, t: Date.now() } satisfies Entry);
    if (Buffer.byteLength(text) > this.options.maxEntryBytes) return [];
    return [{ key, value: text, ttlSeconds, tags }];
  }

  private store(entries: { key: string; value: string; ttlSeconds: number; tags: string[] }[]): void {
    // Not awaited: the answer does not wait for the write; a failed write is only a later miss.
    if (entries.length > 0) void this.options.backend.set(entries).catch(() => undefined);
  }

  /**
   * Purges every entry holding one of `tags`, in Redis and in this process; resolves to how many went.
   * Every replica purges Redis for every event it reads: one replica's purge cannot cover a fetch another
   * replica started before it and stores after it, but that replica's own purge, which follows its store,
   * does.
   */
  async purge(tags: string[], source: PurgeSource): Promise<number> {
    const now = Date.now();
    for (const tag of tags) {
      this.purgedAt.set(tag, now);
      this.options.metrics.entityCacheInvalidations.inc({ type: tagType(tag), source });
    }
    return this.options.backend.purgeTags(tags, true);
  }

  /** Purges every entry (the operator's purge). */
  async purgeAll(): Promise<number> {
    this.purgedAllAt = Date.now();
    this.options.metrics.entityCacheInvalidations.inc({ type: 'all', source: 'admin' });
    return this.options.backend.purgeAll();
  }
}

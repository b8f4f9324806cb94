import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@commerce/kit/logger';
import { createRouterMetrics } from '../metrics.js';
import { EntityCache, tagType, type FetchRequest } from './cache.js';
import { FallbackBackend, MemoryBackend, type RedisBackend } from './store.js';

const QUERY = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { name } } }';
const rep = (id: string) => ({ __typename: 'Product', id });

/** A cache over memory, and a subgraph answering `_entities` from `names` with the given Cache-Control. */
function setup(cacheControl: string | undefined = 'max-age=60, public', options: { healthy?: boolean; fallbackTtlSeconds?: number } = {}) {
  const memory = new MemoryBackend(100, 1_048_576);
  const cache = new EntityCache({
    backend: new FallbackBackend(null, memory, createLogger('test', 'silent')),
    keyPrefix: 't:',
    maxTtlSeconds: 300,
    fallbackTtlSeconds: options.fallbackTtlSeconds ?? 5,
    maxEntryBytes: 10_000,
    metrics: createRouterMetrics(new Registry()),
  });
  cache.healthy = () => options.healthy ?? true;
  const names = new Map<string, string>();
  const sent: FetchRequest[] = [];
  const send = async (request: FetchRequest) => {
    sent.push(request);
    const reps = (request.variables?.representations ?? []) as { id: string }[];
    const errors = reps.flatMap((r, index) => (names.has(r.id) ? [] : [{ message: 'not found', path: ['_entities', index] }]));
    return {
      response: { data: { _entities: reps.map((r) => (names.has(r.id) ? { name: names.get(r.id) } : null)) }, ...(errors.length ? { errors } : {}) },
      cacheControl: errors.length ? 'no-store' : cacheControl,
    };
  };
  const fetch = (ids: string[], claims: { sub: string } | null = null) => cache.fetch('products', { query: QUERY, variables: { representations: ids.map(rep) } }, claims, send);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { cache, memory, names, sent, fetch, settle };
}

describe('EntityCache', () => {
  it('answers cached entities and sends only the others, in their order', async () => {
    const { names, sent, fetch, settle } = setup();
    names.set('a', 'A').set('b', 'B').set('c', 'C');
    await fetch(['a', 'b']); // learns the policy
    await fetch(['a', 'b']); // stores
    await settle();
    sent.length = 0;
    expect(await fetch(['a', 'c', 'b'])).toEqual({ data: { _entities: [{ name: 'A' }, { name: 'C' }, { name: 'B' }] } });
    expect(sent.map((request) => request.variables?.representations)).toEqual([[rep('c')]]);
    sent.length = 0;
    await settle();
    await fetch(['c', 'a']);
    expect(sent).toEqual([]);
  });

  it('renumbers the errors of a partial fetch to the original positions and stores nothing from it', async () => {
    const { names, fetch, settle, memory } = setup();
    names.set('a', 'A');
    await fetch(['a']);
    await fetch(['a']);
    await settle();
    const size = memory.size;
    const answer = await fetch(['a', 'missing']);
    expect(answer.data).toEqual({ _entities: [{ name: 'A' }, null] });
    expect(answer.errors?.[0]?.path).toEqual(['_entities', 1]);
    await settle();
    expect(memory.size).toBe(size);
  });

  it('keeps PRIVATE entities per user and caches none for anonymous callers', async () => {
    const { names, sent, fetch, settle } = setup('max-age=60, private');
    names.set('a', 'A');
    await fetch(['a'], { sub: 'ann' });
    await fetch(['a'], { sub: 'ann' });
    await settle();
    sent.length = 0;
    await fetch(['a'], { sub: 'ann' });
    expect(sent).toHaveLength(0);
    await fetch(['a'], { sub: 'ben' });
    await fetch(['a'], null);
    await fetch(['a'], null);
    expect(sent).toHaveLength(3);
  });

  it('makes no lookups for a selection its subgraph says not to cache', async () => {
    const { names, fetch, settle, memory } = setup('no-store');
    names.set('a', 'A');
    await fetch(['a']);
    await fetch(['a']);
    await settle();
    expect(memory.size).toBe(0);
  });

  it('serves no entry older than the fallback TTL while invalidation is down', async () => {
    let healthy = true;
    const { cache, names, sent, fetch, settle } = setup('max-age=60, public', { fallbackTtlSeconds: 1 });
    cache.healthy = () => healthy;
    names.set('a', 'A');
    await fetch(['a']);
    await fetch(['a']);
    await settle();
    healthy = false;
    sent.length = 0;
    await fetch(['a']);
    expect(sent).toHaveLength(0); // young enough
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await fetch(['a']);
    expect(sent).toHaveLength(1);
  });

  it('purges by tag, and does not store an answer fetched before a purge of its entity', async () => {
    const { cache } = setup();
    const request = { query: QUERY, variables: { representations: [rep('a')] } };
    const answer = { response: { data: { _entities: [{ name: 'A' }] } }, cacheControl: 'max-age=60, public' as string | undefined };
    await cache.fetch('products', request, null, async () => answer); // learns and stores
    expect(await cache.purge(['Product:a'], 'event')).toBe(1);
    let release: () => void = () => undefined;
    const pending = cache.fetch('products', request, null, async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await cache.purge(['Product:a'], 'event'); // the entity changed while that fetch was out
    release();
    await pending;
    await new Promise((resolve) => setTimeout(resolve, 0));
    const sent: FetchRequest[] = [];
    await cache.fetch('products', request, null, async (r) => {
      sent.push(r);
      return answer;
    });
    expect(sent).toHaveLength(1);
    expect(tagType('Product:a')).toBe('Product');
    expect(tagType('Query.products')).toBe('Query.products');
    expect(tagType('type:User')).toBe('User');
  });
});

/**
 * Replicas with near caches over one shared store standing in for Redis (counting its reads, each of
 * which can be held open), their purges published to each other as PurgeBroadcast would.
 */
function replicas(count: number) {
  const shared = new (class extends MemoryBackend {
    reads = 0;
    hold: Promise<void> | null = null;
    override async getMany(keys: string[]) {
      this.reads += 1;
      const values = await super.getMany(keys);
      if (this.hold) await this.hold;
      return values;
    }
  })(100, 1_048_576);
  let ready = true;
  const caches: EntityCache[] = [];
  for (let index = 0; index < count; index += 1) {
    const cache: EntityCache = new EntityCache({
      backend: new FallbackBackend(shared as unknown as RedisBackend, new MemoryBackend(100, 1_048_576), createLogger('test', 'silent')),
      keyPrefix: 't:',
      maxTtlSeconds: 300,
      fallbackTtlSeconds: 5,
      maxEntryBytes: 10_000,
      metrics: createRouterMetrics(new Registry()),
      near: {
        entries: new MemoryBackend(100, 1_048_576),
        ready: () => ready,
        publish: async (purge) => {
          for (const other of caches) if (other !== cache) await other.applyBroadcast(purge);
        },
      },
    });
    cache.healthy = () => true;
    caches.push(cache);
  }
  const sent: string[] = [];
  const send = (name: string) => async (request: FetchRequest) => {
    sent.push(name);
    const reps = (request.variables?.representations ?? []) as { id: string }[];
    return { response: { data: { _entities: reps.map((r) => ({ name: `${name}:${r.id}` })) } }, cacheControl: 'max-age=60, public' };
  };
  const fetch = (cache: EntityCache, ids: string[], name = 'v1') => cache.fetch('products', { query: QUERY, variables: { representations: ids.map(rep) } }, null, send(name));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { shared, caches, sent, fetch, settle, setReady: (value: boolean) => (ready = value) };
}

describe('EntityCache near cache', () => {
  it('answers a hit from its copy, without reading the shared store', async () => {
    const { shared, caches, sent, fetch, settle } = replicas(1);
    const [a] = caches as [EntityCache];
    await fetch(a, ['a']); // learns the policy
    await fetch(a, ['a']); // stores, in Redis and near
    await settle();
    const reads = shared.reads;
    sent.length = 0;
    expect(await fetch(a, ['a'])).toEqual({ data: { _entities: [{ name: 'v1:a' }] } });
    expect(sent).toEqual([]);
    expect(shared.reads).toBe(reads);
  });

  it('copies what the shared store answers, and drops the copy when another replica purges it', async () => {
    const { shared, caches, sent, fetch, settle } = replicas(2);
    const [a, b] = caches as [EntityCache, EntityCache];
    await fetch(a, ['a']);
    await fetch(b, ['a']);
    await fetch(b, ['a']); // b stores
    await settle();
    expect(await fetch(a, ['a'])).toEqual({ data: { _entities: [{ name: 'v1:a' }] } }); // from the shared store, copied
    const reads = shared.reads;
    await fetch(a, ['a']);
    expect(shared.reads).toBe(reads);
    for (const source of ['mutation', 'event', 'admin'] as const) {
      await b.purge(['Product:a'], source);
      sent.length = 0;
      expect(await fetch(a, ['a'], `after-${source}`)).toEqual({ data: { _entities: [{ name: `after-${source}:a` }] } });
      expect(sent).toEqual([`after-${source}`]);
      await settle();
    }
    await b.purgeAll();
    sent.length = 0;
    await fetch(a, ['a'], 'after-all');
    expect(sent).toEqual(['after-all']);
  });

  it('does not copy an entry whose read from the shared store spanned a purge', async () => {
    const { shared, caches, fetch, settle } = replicas(1);
    const [a] = caches as [EntityCache];
    await fetch(a, ['a']);
    await fetch(a, ['a']);
    await settle();
    a.resetNear();
    let release: () => void = () => undefined;
    shared.hold = new Promise<void>((resolve) => (release = resolve));
    const pending = fetch(a, ['a']);
    await settle();
    await a.applyBroadcast({ tags: ['Product:other'] });
    release();
    shared.hold = null;
    expect(await pending).toEqual({ data: { _entities: [{ name: 'v1:a' }] } });
    const reads = shared.reads;
    await fetch(a, ['a']);
    expect(shared.reads).toBe(reads + 1); // not copied: read again
    await fetch(a, ['a']);
    expect(shared.reads).toBe(reads + 1); // copied by that read
  });

  it('is not used while its replica may miss other replicas\' purges', async () => {
    const { shared, caches, fetch, settle, setReady } = replicas(1);
    const [a] = caches as [EntityCache];
    setReady(false);
    await fetch(a, ['a']);
    await fetch(a, ['a']);
    await settle();
    const reads = shared.reads;
    await fetch(a, ['a']);
    await fetch(a, ['a']);
    expect(shared.reads).toBe(reads + 2);
  });
});

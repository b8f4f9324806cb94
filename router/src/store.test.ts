import { describe, expect, it } from 'vitest';
import { createLogger } from '@commerce/kit/logger';
import { createStore } from './store.js';

describe('the in-process store (no REDIS_URL)', () => {
  it('keeps what was set until its TTL', async () => {
    const store = createStore(undefined, createLogger('test', 'silent'));
    await store.set('apq:a', '{ tags }', 60);
    expect(await store.get('apq:a')).toBe('{ tags }');
    expect(await store.get('apq:b')).toBeUndefined();
  });

  it('is bounded by size, not only by count: registered documents of 100,000 characters push out the oldest', async () => {
    const store = createStore(undefined, createLogger('test', 'silent'));
    // One string object, counted once per key as a distinct document would be.
    const document = `{ tags } # ${'x'.repeat(99_990)}`;
    for (let i = 0; i < 1_000; i += 1) await store.set(`apq:${i}`, document, 3_600);
    expect(await store.get('apq:999')).toBe(document);
    // 1,000 × 100,000 characters is over the 64 Mi budget, under the 10,000 entries.
    expect(await store.get('apq:0')).toBeUndefined();
  });
});

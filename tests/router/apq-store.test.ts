/**
 * Where the router keeps APQ registrations and rate-limit counters: `APQ_TTL_SECONDS` bounds how long a
 * registration lives (in Redis), and without `REDIS_URL` both still work inside one process, unshared.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logOf, startRouter } from '../support/processes.js';
import { eventually } from '../support/run.js';
import type { GraphQLClient } from '@commerce/stack/client';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
/** A query no other test registered, so its hash starts unknown everywhere. */
const freshQuery = () => `query Apq${randomUUID().replace(/-/g, '')} { __typename }`;

async function register(client: GraphQLClient, query: string): Promise<void> {
  const registered = await client.request(query, undefined, { extensions: persisted(sha256(query)) });
  expect(registered.status).toBe(200);
  expect(registered.errors).toBeUndefined();
}

const byHash = (client: GraphQLClient, query: string) => client.request<{ __typename: string }>('', undefined, { extensions: persisted(sha256(query)) });

describe('APQ_TTL_SECONDS', () => {
  it('runs a registered hash until the TTL passes, then answers PERSISTED_QUERY_NOT_FOUND', async () => {
    const router = await startRouter('apq-ttl', { APQ_TTL_SECONDS: '2' });
    const query = freshQuery();
    await register(router.client, query);

    const hit = await byHash(router.client, query);
    expect(hit.status).toBe(200);
    expect(hit.data).toEqual({ __typename: 'Query' });

    await eventually(async () => {
      const expired = await byHash(router.client, query);
      expect(expired.status).toBe(200);
      expect(expired.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    }, { timeoutMs: 10_000, intervalMs: 250 });
  });
});

describe('REDIS_URL unset: the in-process store', () => {
  it('keeps APQ registrations and rate-limit counts in each router process, shared with no other', async () => {
    const settings = { REDIS_URL: '', RATE_LIMIT_MAX: '4', RATE_LIMIT_WINDOW_MS: '60000' };
    const [a, b] = await Promise.all([startRouter('memory-a', settings), startRouter('memory-b', settings)]);
    expect(readFileSync(logOf(a), 'utf8')).toContain('REDIS_URL is unset');

    // APQ: registered on a, runs by hash on a; b never saw it.
    const query = freshQuery();
    await register(a.client, query); // request 1 on a
    expect((await byHash(a.client, query)).data).toEqual({ __typename: 'Query' }); // 2
    const elsewhere = await byHash(b.client, query); // request 1 on b
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');

    // Rate limit: the same address gets RATE_LIMIT_MAX requests per process, counted apart.
    for (let i = 3; i <= 4; i += 1) expect((await a.client.request('{ __typename }')).status).toBe(200);
    const limited = await a.client.request('{ __typename }');
    expect(limited.status).toBe(429);
    expect(limited.errors?.[0]?.extensions?.code).toBe('REQUEST_RATE_LIMITED');
    expect((await b.client.request('{ __typename }')).status).toBe(200);
  });
});

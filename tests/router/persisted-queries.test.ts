import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, repoRoot } from '@commerce/stack/paths';
import { createProduct } from '../support/catalog.js';
import { startRouter } from '../support/processes.js';
import { router } from '../support/run.js';

const manifest = (partner: string) =>
  JSON.parse(readFileSync(path.join(repoRoot, 'schema/persisted-queries/partners', `${partner}.json`), 'utf8')) as {
    operations: { id: string; name: string; body: string }[];
  };
const idOf = (partner: string, name: string) => manifest(partner).operations.find((op) => op.name === name)!.id;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (id: string) => ({ persistedQuery: { version: 1, sha256Hash: id } });

describe('persisted queries: partners run only their safelisted operations', () => {
  const acme = router.with({ 'x-api-key': 'dev-acme-key' });

  it('a partner runs an operation of its manifest by id', async () => {
    const product = await createProduct({ amountCents: 4321 });
    const result = await acme.request<{ product: { sku: string; price: { amountCents: string } } }>('', { sku: product.sku }, {
      extensions: persisted(idOf('acme', 'PartnerProductBySku')),
    });
    expect(result.status).toBe(200);
    expect(result.data?.product).toMatchObject({ sku: product.sku, price: { amountCents: '4321' } });
  });

  it('refuses a partner\'s ad-hoc operation, an unknown id, another partner\'s id, and an id sent with a body', async () => {
    const adHoc = await acme.request('{ products(first: 1) { edges { cursor } } }');
    expect(adHoc.status).toBe(400);
    expect(adHoc.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');

    const unknown = await acme.request('', undefined, { extensions: persisted('0'.repeat(64)) });
    expect(unknown.status).toBe(404);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');

    const globexOperation = await acme.request('', { sku: 'X' }, { extensions: persisted(idOf('globex', 'PartnerProductReviews')) });
    expect(globexOperation.status).toBe(404);
    expect(globexOperation.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');

    const body = manifest('acme').operations[0]!.body;
    const both = await acme.request(body, { first: 1 }, { extensions: persisted(sha256(body)) });
    expect(both.status).toBe(400);
    expect(both.errors?.[0]?.extensions?.code).toBe('CANNOT_SEND_PQ_ID_AND_BODY');
  });

  it('refuses an unknown API key', async () => {
    const result = await router.request('{ __typename }', undefined, { headers: { 'x-api-key': 'not-a-key' } });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('AUTH_ERROR');
  });
});

describe('automatic persisted queries for first-party clients, shared through Redis', () => {
  it('misses, registers, then runs by hash alone — also on another router replica', async () => {
    const query = `query Apq${randomUUID().replace(/-/g, '')} { products(first: 1) { edges { node { id } } } }`;
    const hash = sha256(query);

    const miss = await router.request('', undefined, { extensions: persisted(hash) });
    expect(miss.status).toBe(200);
    expect(miss.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });

    const register = await router.request(query, undefined, { extensions: persisted(hash) });
    expect(register.errors).toBeUndefined();
    const byHash = await router.request<{ products: { edges: unknown[] } }>('', undefined, { extensions: persisted(hash) });
    expect(byHash.data?.products.edges).toHaveLength(1);

    const replica = await startRouter('apq-replica');
    const onReplica = await replica.client.request<{ products: { edges: unknown[] } }>('', undefined, { extensions: persisted(hash) });
    expect(onReplica.errors).toBeUndefined();
    expect(onReplica.data?.products.edges).toHaveLength(1);
  });

  it('refuses a hash that does not match the body', async () => {
    const result = await router.request('{ __typename }', undefined, { extensions: persisted(sha256('something else')) });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
  });

  it('with APQ off, a hash alone for an unknown operation is answered PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const noApq = await startRouter('no-apq', { APQ_ENABLED: 'false' });
    const result = await noApq.client.request('', undefined, { extensions: persisted('a'.repeat(64)) });
    expect(result.status).toBe(404);
    expect(result.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const both = await noApq.client.request('{ __typename }', undefined, { extensions: persisted(sha256('{ __typename }')) });
    expect(both.status).toBe(400);
    expect(both.errors?.[0]?.extensions?.code).toBe('CANNOT_SEND_PQ_ID_AND_BODY');
  });

  it('refuses to start with a manifest that is not in Apollo\'s format', async () => {
    const dir = path.join(dataDir, 'bad-manifests', randomUUID());
    mkdirSync(path.join(dir, 'partners'), { recursive: true });
    writeFileSync(path.join(dir, 'partners', 'acme.json'), JSON.stringify({ format: 'something-else', operations: [] }));
    const broken = await startRouter('bad-manifest', { PERSISTED_QUERIES_DIR: dir }, { waitFor: 'nothing' });
    const code = await broken.process.exited;
    expect(code).toBe(1);
    expect(readFileSync(broken.process.logFile, 'utf8')).toContain('is not an Apollo persisted-query manifest');
  });
});

import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { readEvents, startTestSubgraph, type TestSubgraph } from '@commerce/kit/testing';
import { topicOf } from '@commerce/kit/events/catalog';
import { loadProductsConfig } from '../src/config.js';
import { createProductsService } from '../src/service.js';

const run = inject('run');
const admin = { id: '00000000-0000-4000-8000-00000000000a', scope: 'customer admin' };
let products: TestSubgraph;

beforeAll(async () => {
  products = await startTestSubgraph(run, 'products', 'products_subgraph', loadProductsConfig, createProductsService);
});
afterAll(() => products?.close());

async function create(sku: string, amountCents = '100') {
  const result = await products.request<{ createProduct: { id: string; sku: string } }>(
    'mutation($i: CreateProductInput!) { createProduct(input: $i) { id sku } }',
    { i: { sku, name: `Name ${sku}`, description: '', price: { amountCents }, stock: 3 } },
    admin,
  );
  return result.data!.createProduct;
}

describe('products subgraph', () => {
  it('resolves Product references by either key', async () => {
    const product = await create('ENT-1');
    const result = await products.request<{ _entities: ({ id: string; sku: string; price: { amountCents: string } } | null)[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id sku price { amountCents } } } }',
      { r: [{ __typename: 'Product', sku: 'ENT-1' }, { __typename: 'Product', id: product.id }, { __typename: 'Product', sku: 'NONE' }] },
    );
    expect(result.data?._entities).toEqual([
      { id: product.id, sku: 'ENT-1', price: { amountCents: '100' } },
      { id: product.id, sku: 'ENT-1', price: { amountCents: '100' } },
      null,
    ]);
  });

  it('refuses catalog changes without the admin scope', async () => {
    const result = await products.request(
      'mutation { createProduct(input: { sku: "NOPE-1", name: "n", description: "", price: { amountCents: "1" }, stock: 1 }) { id } }',
      undefined,
      { id: '00000000-0000-4000-8000-00000000000b' },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('publishes full product snapshots with increasing versions', async () => {
    const product = await create('EVT-1', '500');
    await products.request('mutation($id: ID!) { updateProduct(id: $id, input: { price: { amountCents: "650" } }) { id } }', { id: product.id }, admin);
    const events = await readEvents(run.brokers, topicOf('products', products.topicPrefix), (seen) =>
      seen.filter((event) => event.aggregateId === product.id).length === 2,
    );
    const mine = events.filter((event) => event.aggregateId === product.id);
    expect(mine.map((event) => [event.type, (event.payload as { version: number; priceCents: number }).version, (event.payload as { priceCents: number }).priceCents])).toEqual([
      ['ProductCreated', 1, 500],
      ['ProductUpdated', 2, 650],
    ]);
  });
});

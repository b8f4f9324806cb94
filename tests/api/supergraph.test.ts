import { describe, expect, it } from 'vitest';
import { signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { startRouter } from '../support/processes.js';
import { eventually, metricValue, router, run, unique } from '../support/run.js';
import { SERVICES } from '@commerce/kit/service-config';

describe('the supergraph', () => {
  it('answers one operation that spans all four subgraphs', async () => {
    const [buyer, product] = await Promise.all([signUp('Spanner'), createProduct({ amountCents: 999 })]);
    const { placeOrder } = await buyer.client.data<{ placeOrder: { id: string } }>(
      'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }',
      { i: { items: [{ productId: product.id, quantity: 1 }] } },
    );
    await buyer.client.data('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', {
      i: { productId: product.id, rating: 5, body: 'Great' },
    });
    const data = await eventually(async () => {
      const result = await buyer.client.data<{
        me: {
          name: string;
          orders: { edges: { node: { id: string; status: string; items: { product: { name: string; reviews: { edges: { node: { author: { name: string }; verifiedPurchase: boolean } }[] } } }[] } }[] };
        };
      }>(`{ me { name orders(first: 1) { edges { node { id status items { product { name
            reviews(first: 1) { edges { node { verifiedPurchase author { name } } } } } } } } } } }`);
      expect(result.me.orders.edges[0]?.node.status).toBe('CONFIRMED');
      expect(result.me.orders.edges[0]?.node.items[0]?.product.reviews.edges[0]?.node.verifiedPurchase).toBe(true);
      return result;
    });
    // users (me) → orders (orders) → products (product) → reviews (reviews) → users (author)
    expect(data.me.orders.edges[0]?.node).toMatchObject({
      id: placeOrder.id,
      items: [{ product: { name: product.name, reviews: { edges: [{ node: { author: { name: 'Spanner' } } }] } } }],
    });
  });

  it('answers the storefront query of the walking-supergraph issue', async () => {
    const result = await router.request<{ products: { edges: { node: { name: string; price: { amountCents: string } } }[] } }>(
      '{ products(first: 5) { edges { node { name price { amountCents } reviews(first: 3) { edges { node { rating author { name } } } } } } } }',
    );
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(result.data?.products.edges.length).toBeGreaterThan(0);
  });

  it('issues the same number of SQL statements for 10 products as for 100 (no N+1)', async () => {
    const tag = unique('bulk');
    const products = [];
    for (let i = 0; i < 100; i += 1) products.push(await createProduct({ name: `${tag} ${i}` }));
    const reviewers = [await signUp('N1'), await signUp('N2')];
    // The newest products (first in the list) get reviews, so both page sizes touch every relation.
    for (const product of products.slice(-12)) {
      for (const reviewer of reviewers) {
        await reviewer.client.data('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', {
          i: { productId: product.id, rating: 4, body: 'ok' },
        });
      }
    }
    const query = `query($first: Int) { products(first: $first, filter: { search: "${tag}" }) { edges { node {
      name price { amountCents } averageRating
      reviews(first: 3) { edges { node { rating verifiedPurchase author { name } } } } } } } }`;

    // Every fetch must reach the subgraphs: with the entity cache, the second page's authors would be hits.
    const uncached = await startRouter('n-plus-one', { ENTITY_CACHE_ENABLED: 'false' });
    const statementsFor = async (first: number) => {
      const before = await Promise.all(SERVICES.map((s) => metricValue(run.metricsUrls[s], 'db_queries_total', { source: 'graphql' }, { absentAsZero: true })));
      const result = await uncached.client.data<{ products: { edges: unknown[] } }>(query, { first });
      expect(result.products.edges).toHaveLength(first);
      const after = await Promise.all(SERVICES.map((s) => metricValue(run.metricsUrls[s], 'db_queries_total', { source: 'graphql' }, { absentAsZero: true })));
      return Object.fromEntries(SERVICES.map((s, i) => [s, after[i]! - before[i]!]));
    };
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect(hundred).toEqual(ten);
    // products: the page; reviews: one LATERAL page query + one purchases lookup; users: the authors.
    expect(ten).toEqual({ users: 1, products: 1, reviews: 2, orders: 0 });
  });
});

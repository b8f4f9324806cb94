/**
 * The router's entity cache (docs/router.md, "Entity cache") against the shared subgraphs: answers
 * with the cache on equal answers with it off across writes, each kind of write is visible in the
 * next read after its event's purge, and PRIVATE answers are never shared between users.
 * Writes go through the shared router, so the routers here learn of them only from the events.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { asAdmin, signUp, type Account } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { startRouter, type TestProcess } from '../support/processes.js';
import { eventually } from '../support/run.js';
import { addReview, placeOrder, waitForStatus } from '../support/shop.js';
import { afterPurge, bodyOf, counter, expectSameAnswers, percentiles, readsOf, untilCached, type Fixture, type Read } from './support.js';

let on: TestProcess;
/** A second replica with the cache on (same Redis, same events), for purges that no event announces. */
let replica: TestProcess;
let off: TestProcess;
let admin: Account;
let alice: Account;
let fixture: Fixture;
let reads: Read[];

const PRODUCT_QUERY = 'query($id: ID!) { product(id: $id) { id name stock averageRating reviewCount price { amountCents } } }';
type ProductView = { id: string; name: string; stock: number; averageRating: number | null; reviewCount: number; price: { amountCents: string } };
const productVia = async (target: TestProcess, id: string) => (await target.client.data<{ product: ProductView }>(PRODUCT_QUERY, { id })).product;
const hits = (target: TestProcess) => counter(target, 'entity_cache_requests_total', { outcome: 'hit' });

/** A product whose creation event the router has already purged for: later purges are the test's writes'. */
async function freshProduct(overrides: Parameters<typeof createProduct>[0] = {}) {
  let product: Awaited<ReturnType<typeof createProduct>> | undefined;
  await afterPurge(on, 'entity_cache_invalidations_total', { type: 'Product', source: 'event' }, async () => {
    product = await createProduct(overrides);
  });
  return product!;
}

async function setPrice(id: string, cents: number): Promise<void> {
  await admin.client.data('mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }', { id, input: { price: { amountCents: String(cents) } } });
}

async function deleteReview(author: Account, id: string): Promise<void> {
  await author.client.data('mutation($id: ID!) { deleteReview(id: $id) { id } }', { id });
}

beforeAll(async () => {
  const cacheOn = { ENTITY_CACHE_ENABLED: 'true', ENTITY_CACHE_MAX_TTL_SECONDS: '300', ENTITY_CACHE_DERIVED_WAIT_MS: '10000' };
  [on, replica, off, admin, alice] = await Promise.all([
    startRouter('cache-on', cacheOn),
    startRouter('cache-on-2', cacheOn),
    startRouter('cache-off', { ENTITY_CACHE_ENABLED: 'false' }),
    asAdmin(),
    signUp('Alice'),
  ]);
  const product = await createProduct({ amountCents: 1500, stock: 1000 });
  const orderId = await placeOrder(alice, [{ productId: product.id, quantity: 1 }]);
  await waitForStatus(alice, orderId, 'CONFIRMED');
  fixture = { productId: product.id, sku: product.sku, orderId, shopper: alice.token, admin: admin.token };
  reads = readsOf(fixture);
  // The invalidation consumer has joined and fetches: the cache is not in its fallback mode.
  await eventually(async () => expect(await counter(on, 'entity_cache_invalidation_up')).toBe(1), { timeoutMs: 60_000 });
  await eventually(async () => expect(await counter(replica, 'entity_cache_invalidation_up')).toBe(1), { timeoutMs: 60_000 });
});

describe('the entity cache', () => {
  it('answers every manifest query as the router without it does, across interleaved writes', async () => {
    const hitsBefore = await hits(on);
    const reviewers: { author: Account; id: string }[] = [];
    const write = fc.oneof(
      fc.record({ kind: fc.constant('price' as const), cents: fc.integer({ min: 100, max: 99_999 }) }),
      fc.record({ kind: fc.constant('order' as const), quantity: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('review' as const), rating: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant('unreview' as const) }),
      fc.record({ kind: fc.constant('profile' as const), name: fc.string({ minLength: 1, maxLength: 12 }).map((name) => `Alice ${name.replace(/\s/g, '_')}`) }),
      fc.record({ kind: fc.constant('read' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 5 }), async (writes) => {
        for (const step of writes) {
          if (step.kind === 'price') await setPrice(fixture.productId, step.cents);
          if (step.kind === 'order') await placeOrder(alice, [{ productId: fixture.productId, quantity: step.quantity }]);
          if (step.kind === 'review') {
            const author = await signUp('Reviewer');
            reviewers.push({ author, id: await addReview(author, fixture.productId, step.rating) });
          }
          if (step.kind === 'unreview') {
            const last = reviewers.pop();
            if (last) await deleteReview(last.author, last.id);
          }
          if (step.kind === 'profile') await alice.client.data(bodyOf('StorefrontUpdateProfile'), { input: { name: step.name } });
          // Read before the events arrive too (so stale entries would exist), then until both agree.
          await Promise.all(reads.map((read) => read.run(on)));
          await eventually(() => expectSameAnswers(reads, on, off), { timeoutMs: 30_000, intervalMs: 250 });
        }
      }),
      { numRuns: 3, endOnFailure: true },
    );
    expect(await hits(on)).toBeGreaterThan(hitsBefore);
  });

  it('shows a price change in the next read after its purge', async () => {
    const product = await freshProduct({ amountCents: 1000 });
    await untilCached(on, () => productVia(on, product.id));
    expect((await productVia(on, product.id)).price.amountCents).toBe('1000');
    await afterPurge(on, 'entity_cache_invalidations_total', { type: 'Product', source: 'event' }, () => setPrice(product.id, 1234));
    expect((await productVia(on, product.id)).price.amountCents).toBe('1234');
  });

  it('shows a price change to a reader who wrote the id in upper case, or aliased a field as id', async () => {
    const product = await freshProduct({ amountCents: 1000 });
    const upper = product.id.toUpperCase();
    const aliased = 'query($sku: String!) { product(sku: $sku) { id: name price { amountCents } } }';
    const viaAlias = async () => (await on.client.data<{ product: { price: { amountCents: string } } }>(aliased, { sku: product.sku })).product.price.amountCents;
    await untilCached(on, () => productVia(on, upper));
    expect((await productVia(on, upper)).price.amountCents).toBe('1000');
    expect(await viaAlias()).toBe('1000');
    await afterPurge(on, 'entity_cache_invalidations_total', { type: 'Product', source: 'event' }, () => setPrice(product.id, 1234));
    expect((await productVia(on, upper)).price.amountCents).toBe('1234');
    expect(await viaAlias()).toBe('1234');
  });

  it('shows a stock reservation by an order, and the confirmed order in the buyer\'s counts, after their purges', async () => {
    const product = await freshProduct({ stock: 20 });
    const buyer = await signUp('Buyer');
    const me = 'query { me { id orderCount lifetimeSpend { amountCents } } }';
    await productVia(on, product.id);
    const before = await on.client.withToken(buyer.token).data<{ me: { orderCount: number } }>(me);
    // StockReserved purges the product; OrderConfirmed's derived purges (users, reviews) follow it.
    const derived = await counter(on, 'entity_cache_invalidation_lag_seconds_count', { effect: 'derived' });
    let orderId = '';
    await afterPurge(on, 'entity_cache_invalidations_total', { type: 'Product', source: 'event' }, async () => {
      orderId = await placeOrder(buyer, [{ productId: product.id, quantity: 3 }]);
    });
    expect((await productVia(on, product.id)).stock).toBe(17);
    await waitForStatus(buyer, orderId, 'CONFIRMED');
    await eventually(async () => expect(await counter(on, 'entity_cache_invalidation_lag_seconds_count', { effect: 'derived' })).toBeGreaterThanOrEqual(derived + 2), { timeoutMs: 30_000 });
    const after = await on.client.withToken(buyer.token).data<{ me: { orderCount: number } }>(me);
    expect(after.me.orderCount).toBe(before.me.orderCount + 1);
    const order = await on.client.withToken(buyer.token).data<{ order: { status: string } }>('query($id: ID!) { order(id: $id) { id status } }', { id: orderId });
    expect(order.order.status).toBe('CONFIRMED');
  });

  it('shows a review added and removed in the product\'s rating and reviews after their purges', async () => {
    const product = await freshProduct();
    const author = await signUp('Critic');
    const reviewsOf = async () =>
      (await on.client.data<{ product: { reviews: { edges: { node: { id: string } }[] } } }>(bodyOf('StorefrontProductReviews'), { id: product.id, first: 5 })).product.reviews.edges.map((edge) => edge.node.id);
    expect(await productVia(on, product.id)).toMatchObject({ averageRating: null, reviewCount: 0 });
    expect(await reviewsOf()).toEqual([]);
    let reviewId = '';
    // The products service derives the rating: its purge (of the product pages too) comes once it applied the event.
    await afterPurge(on, 'entity_cache_invalidations_total', { type: 'Query.products', source: 'event' }, async () => {
      reviewId = await addReview(author, product.id, 4);
    });
    expect(await productVia(on, product.id)).toMatchObject({ averageRating: 4, reviewCount: 1 });
    expect(await reviewsOf()).toEqual([reviewId]);
    await afterPurge(on, 'entity_cache_invalidations_total', { type: 'Query.products', source: 'event' }, () => deleteReview(author, reviewId));
    expect(await productVia(on, product.id)).toMatchObject({ averageRating: null, reviewCount: 0 });
    expect(await reviewsOf()).toEqual([]);
  });

  it('never serves one user\'s PRIVATE answer to another', async () => {
    const [ann, ben] = await Promise.all([signUp('Ann'), signUp('Ben')]);
    const me = bodyOf('StorefrontMe');
    const hitsBefore = await counter(on, 'entity_cache_requests_total', { subgraph: 'users', outcome: 'hit' });
    for (let round = 0; round < 3; round += 1) {
      for (const account of [ann, ben]) {
        const { me: user } = await on.client.withToken(account.token).data<{ me: { id: string; email: string; name: string } }>(me);
        expect(user).toMatchObject({ id: account.id, email: account.email, name: account.name });
      }
    }
    expect(await counter(on, 'entity_cache_requests_total', { subgraph: 'users', outcome: 'hit' })).toBeGreaterThan(hitsBefore);
    // Anonymous: refused as without the cache, nothing served from either user's entry.
    const anonymous = await on.client.request(me);
    expect(anonymous.data?.me ?? null).toBeNull();
  });

  it('purges by type for an admin only (POST /admin/entity-cache/purge)', async () => {
    const product = await freshProduct({ amountCents: 500 });
    await untilCached(on, () => productVia(on, product.id));
    const purge = (headers: Record<string, string>, body: unknown) =>
      fetch(`${on.baseUrl}/admin/entity-cache/purge`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await purge({}, { type: 'Product' })).status).toBe(401);
    expect((await purge({ authorization: `Bearer ${alice.token}` }, { type: 'Product' })).status).toBe(403);
    expect((await purge({ authorization: `Bearer ${admin.token}` }, { type: 'Product', extra: 1 })).status).toBe(400);
    const byKey = await purge({ authorization: `Bearer ${admin.token}` }, { key: `Product:${product.id}` });
    expect(byKey.status).toBe(200);
    expect(((await byKey.json()) as { purged: number }).purged).toBeGreaterThan(0);
    const misses = await counter(on, 'entity_cache_requests_total', { subgraph: 'products', outcome: 'miss' });
    await productVia(on, product.id);
    expect(await counter(on, 'entity_cache_requests_total', { subgraph: 'products', outcome: 'miss' })).toBeGreaterThan(misses);
    const byType = await purge({ authorization: `Bearer ${admin.token}` }, { type: 'Product' });
    expect(byType.status).toBe(200);
  });

  it('drops another replica\'s in-process copy when one replica purges what no event announces', async () => {
    let product: Awaited<ReturnType<typeof createProduct>> | undefined;
    // Both replicas have purged for the product's creation: the next purge on `replica` is the admin's.
    await afterPurge(replica, 'entity_cache_invalidations_total', { type: 'Product', source: 'event' }, () =>
      afterPurge(on, 'entity_cache_invalidations_total', { type: 'Product', source: 'event' }, async () => {
        product = await createProduct({ amountCents: 900 });
      }),
    );
    const id = product!.id;
    await untilCached(replica, () => productVia(replica, id));
    await untilCached(replica, () => productVia(replica, id)); // from its own copy by now
    const purged = await fetch(`${on.baseUrl}/admin/entity-cache/purge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ key: `Product:${id}` }),
    });
    expect(purged.status).toBe(200);
    const misses = await counter(replica, 'entity_cache_requests_total', { subgraph: 'products', outcome: 'miss' });
    await productVia(replica, id);
    expect(await counter(replica, 'entity_cache_requests_total', { subgraph: 'products', outcome: 'miss' })).toBeGreaterThan(misses);
  });

  it('prints the invalidation lag percentiles (event commit → purge)', async () => {
    for (const effect of ['direct', 'derived']) {
      const figures = await percentiles(on, 'entity_cache_invalidation_lag_seconds', { effect });
      process.stdout.write(`[entity cache] invalidation lag (${effect}): ${JSON.stringify(figures)}\n`);
      expect(Number(figures.count)).toBeGreaterThan(0);
    }
  });
});

describe('the entity cache without a broker', () => {
  it('serves no entry older than ENTITY_CACHE_FALLBACK_TTL_SECONDS while it cannot read events', async () => {
    const fallbackSeconds = 2;
    // A broker address where nothing listens: the invalidation consumer never fetches. Keys of its own,
    // so no other router of the run (which reads the events) purges its entries for it.
    const blind = await startRouter('cache-no-broker', {
      ENTITY_CACHE_ENABLED: 'true',
      KAFKA_BROKERS: '127.0.0.1:9',
      ENTITY_CACHE_KEY_PREFIX: `entity-cache-blind-${Date.now()}:`,
      ENTITY_CACHE_FALLBACK_TTL_SECONDS: String(fallbackSeconds),
      ENTITY_CACHE_OUTAGE_AFTER_MS: '1000',
    });
    expect(await counter(blind, 'entity_cache_invalidation_up')).toBe(0);
    const product = await createProduct({ amountCents: 700 });
    await untilCached(blind, () => productVia(blind, product.id));
    await setPrice(product.id, 701);
    const written = Date.now();
    // Every answer still showing the old price was read within the fallback TTL of the write (the entry
    // cannot be older than the read before it); the new price shows once that has passed.
    const staleReadsAfter: number[] = [];
    await eventually(
      async () => {
        const startedAt = Date.now();
        const price = (await productVia(blind, product.id)).price.amountCents;
        if (price === '700') staleReadsAfter.push(startedAt - written);
        expect(price).toBe('701');
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    expect(staleReadsAfter.filter((ms) => ms >= fallbackSeconds * 1000 + 1000)).toEqual([]);
    await blind.stop();
  });

  it('with ENTITY_CACHE_ENABLED=false, no lookups are made', async () => {
    const product = await createProduct();
    await productVia(off, product.id);
    await productVia(off, product.id);
    expect(await counter(off, 'entity_cache_requests_total')).toBe(0);
    // And the router it stands beside, with it on, counts them.
    await productVia(on, product.id);
    expect(await counter(on, 'entity_cache_requests_total')).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from 'vitest';
import type { ServiceName } from '@commerce/kit/service-config';
import { signUp, type Account } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { sharedSubgraphOverrides, startRouter, startSubgraph, type TestProcess } from '../support/processes.js';
import { addReview, placeOrder, waitForStatus } from '../support/shop.js';

/**
 * One subgraph down costs only its own fields. For each subgraph in turn, a router of its own routes
 * that subgraph to an instance of its own (the rest to the shared stack), the instance is stopped, and
 * a query touching all four subgraphs still answers the other three's fields; the fields of the one
 * down are null, each with an error naming the subgraph whose path points at it (or, as the gateway
 * reports them, at the entity it belongs to; a root field's at no path). First with the instance gone (connection
 * refused), then with the breaker open (answered without trying). Latencies are printed.
 */
const QUERY = `query Four($product: ID!, $order: ID!, $review: ID!) {
  me { name orderCount orders(first: 1) { edges { node { id } } } reviews(first: 1) { edges { node { rating } } } }
  product(id: $product) { name reviews(first: 1) { edges { node { body author { name } } } } }
  order(id: $order) { status total { amountCents } buyer { name } items { quantity product { name } } }
  review(id: $review) { rating author { name } product { name } }
}`;

interface Answer {
  me: { name: string; orderCount: number; orders: { edges: unknown[] } | null; reviews: { edges: unknown[] } | null } | null;
  product: { name: string; reviews: { edges: { node: { body: string; author: { name: string } | null } }[] } | null } | null;
  order: { status: string; total: { amountCents: string }; buyer: { name: string } | null; items: { quantity: number; product: { name: string } | null }[] } | null;
  review: { rating: number; author: { name: string } | null; product: { name: string } | null } | null;
}

let fixture: Promise<{ shopper: Account; variables: Record<string, string>; productName: string }> | null = null;

/** A shopper with a confirmed order of a product they reviewed: every part of the query has data. */
function shop() {
  fixture ??= (async () => {
    const [shopper, product] = await Promise.all([signUp('Isolated'), createProduct({ stock: 5 })]);
    const order = await placeOrder(shopper, [{ productId: product.id, quantity: 1 }]);
    await waitForStatus(shopper, order, 'CONFIRMED');
    const review = await addReview(shopper, product.id, 4);
    return { shopper, variables: { product: product.id, order, review }, productName: product.name };
  })();
  return fixture;
}

/** What each subgraph's outage must null, as response paths, and what must still arrive. */
const expectations: Record<ServiceName, { nulled: string[]; still: (answer: Answer, productName: string) => void }> = {
  users: {
    nulled: ['me', 'product.reviews.edges.0.node.author', 'order.buyer', 'review.author'],
    still: (a, name) => {
      expect(a.product?.name).toBe(name);
      expect(a.product?.reviews?.edges[0]?.node.body).toBe('Rated 4');
      expect(a.order).toMatchObject({ status: 'CONFIRMED', total: { amountCents: '1000' }, items: [{ quantity: 1, product: { name } }] });
      expect(a.review).toMatchObject({ rating: 4, product: { name } });
    },
  },
  products: {
    nulled: ['product', 'order.items.0.product', 'review.product'],
    still: (a) => {
      expect(a.me).toMatchObject({ name: 'Isolated', orderCount: 1 });
      expect(a.me?.orders?.edges).toHaveLength(1);
      expect(a.me?.reviews?.edges).toHaveLength(1);
      expect(a.order).toMatchObject({ status: 'CONFIRMED', buyer: { name: 'Isolated' } });
      expect(a.review).toMatchObject({ rating: 4, author: { name: 'Isolated' } });
    },
  },
  reviews: {
    nulled: ['me.reviews', 'product.reviews', 'review'],
    still: (a, name) => {
      expect(a.me).toMatchObject({ name: 'Isolated', orderCount: 1 });
      expect(a.me?.orders?.edges).toHaveLength(1);
      expect(a.product?.name).toBe(name);
      expect(a.order).toMatchObject({ status: 'CONFIRMED', buyer: { name: 'Isolated' }, items: [{ product: { name } }] });
    },
  },
  orders: {
    nulled: ['me.orders', 'order'],
    still: (a, name) => {
      expect(a.me).toMatchObject({ name: 'Isolated', orderCount: 1 });
      expect(a.me?.reviews?.edges).toHaveLength(1);
      expect(a.product?.reviews?.edges[0]?.node.author?.name).toBe('Isolated');
      expect(a.review).toMatchObject({ rating: 4, author: { name: 'Isolated' }, product: { name } });
    },
  },
};

const valueAt = (data: unknown, path: string) => path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | null)?.[key], data);

async function ask(router: TestProcess, shopper: Account, variables: Record<string, string>) {
  const started = performance.now();
  const result = await router.client.withToken(shopper.token).request<Answer>(QUERY, variables);
  return { result, ms: Math.round(performance.now() - started) };
}

function checkIsolated(service: ServiceName, result: Awaited<ReturnType<typeof ask>>['result'], productName: string) {
  expect(result.status).toBe(200);
  const { nulled, still } = expectations[service];
  for (const path of nulled) expect(valueAt(result.data, path), path).toBeNull();
  still(result.data as Answer, productName);
  // The gateway reports a failed entity fetch at the entity it was resolving fields of (`product` for
  // product.reviews) and a failed root fetch without a path; list positions may read `@`.
  const shape = (path: string) => path.replace(/(^|\.)(\d+|@)(?=\.|$)/g, '$1*');
  const errorPaths = (result.errors ?? []).map((error) => shape((error.path ?? []).join('.')));
  for (const path of nulled) {
    const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    expect(errorPaths.some((errorPath) => errorPath === shape(path) || errorPath === shape(parent)), `an error points at ${path} (errors at ${errorPaths.join(', ')})`).toBe(true);
  }
  for (const error of result.errors ?? []) expect(error.extensions?.service, JSON.stringify(error)).toBe(service);
}

const SUBGRAPH_TIMEOUT_MS = 2_000;

describe('one subgraph down costs only its own fields', () => {
  for (const service of ['users', 'products', 'reviews', 'orders'] as const) {
    it(`${service} stopped: the other three subgraphs still answer, at once while the breaker is open`, async () => {
      const { shopper, variables, productName } = await shop();
      const instance = await startSubgraph(service, `isolation-${service}`);
      const router = await startRouter(`isolation-${service}`, {
        SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ [service]: instance.graphqlUrl }),
        SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS),
        // No retries and more failures to open than one query's fetches to one subgraph (three at
        // most): the first answer shows the refused connection, a later one the open breaker.
        SUBGRAPH_RETRIES: '0',
        BREAKER_FAILURES: '4',
        BREAKER_HALF_OPEN_MS: '60000',
      });
      const healthy = await ask(router, shopper, variables);
      expect(healthy.result.errors).toBeUndefined();

      await instance.kill();
      const down = await ask(router, shopper, variables);
      checkIsolated(service, down.result, productName);
      const reasons = (answer: typeof down) => (answer.result.errors ?? []).map((error) => String(error.extensions?.reason));
      expect(reasons(down).some((reason) => reason.includes('ECONNREFUSED')), reasons(down).join(', ')).toBe(true);

      let open = down;
      for (let attempt = 0; attempt < 10 && !reasons(open).every((reason) => reason === 'circuit breaker open'); attempt += 1) {
        open = await ask(router, shopper, variables);
      }
      expect(new Set(reasons(open))).toEqual(new Set(['circuit breaker open']));
      checkIsolated(service, open.result, productName);
      console.log(`[isolation] ${service} down: healthy ${healthy.ms} ms, refused ${down.ms} ms, breaker open ${open.ms} ms (subgraph timeout ${SUBGRAPH_TIMEOUT_MS} ms)`);
    }, 120_000);
  }

  it('reviews frozen (SIGSTOP): the answer arrives after the subgraph timeout with the reviews fields null', async () => {
    const { shopper, variables, productName } = await shop();
    const instance = await startSubgraph('reviews', 'isolation-frozen');
    const router = await startRouter('isolation-frozen', { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ reviews: instance.graphqlUrl }), SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS), SUBGRAPH_RETRIES: '0' });
    expect((await ask(router, shopper, variables)).result.errors).toBeUndefined();
    instance.process.child.kill('SIGSTOP');
    try {
      const frozen = await ask(router, shopper, variables);
      checkIsolated('reviews', frozen.result, productName);
      console.log(`[isolation] reviews frozen: answered in ${frozen.ms} ms (subgraph timeout ${SUBGRAPH_TIMEOUT_MS} ms)`);
    } finally {
      instance.process.child.kill('SIGCONT');
    }
  }, 120_000);
});

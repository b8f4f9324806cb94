/**
 * The router's traffic shaping, each feature both ways, with the subgraph behind a proxy the test
 * holds or fails (tests/support/fault-proxy.ts): the concurrency cap (503), the whole-request timeout
 * (504), the per-attempt subgraph timeout (partial data) and the retry budget.
 */
import { describe, expect, it } from 'vitest';
import { signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { sharedSubgraphOverrides, startRouter } from '../support/processes.js';
import { metricValue, run } from '../support/run.js';

/** Only the products subgraph answers this one (one fetch per request); `first` keeps bodies apart (no deduplication). */
const productsQuery = (first: number) => `{ products(first: ${first}) { edges { node { id } } } }`;

describe('MAX_CONCURRENT_REQUESTS', () => {
  it('answers 503 REQUEST_CONCURRENCY_LIMITED over the cap without calling a subgraph, and serves again once requests finish', async () => {
    await createProduct();
    const products = await startFaultProxy(run.subgraphUrls.products);
    const router = await startRouter('concurrency', { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ products: products.url }), MAX_CONCURRENT_REQUESTS: '2' });

    products.hold();
    const before = products.requests;
    const inFlight = [router.client.request(productsQuery(1)), router.client.request(productsQuery(2))];
    await products.waitForRequests(before + 2);

    const refused = await router.client.request(productsQuery(3));
    expect(refused.status).toBe(503);
    expect(refused.errors?.[0]?.extensions?.code).toBe('REQUEST_CONCURRENCY_LIMITED');
    expect(products.requests).toBe(before + 2);

    products.release();
    for (const answer of await Promise.all(inFlight)) {
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
    }
    const after = await router.client.request(productsQuery(3));
    expect(after.status).toBe(200);
    expect(after.errors).toBeUndefined();
    expect(products.requests).toBe(before + 3);
  });
});

describe('ROUTER_TIMEOUT_MS', () => {
  it('answers 504 GATEWAY_TIMEOUT when the whole request takes longer, and 200 when it does not', async () => {
    await createProduct();
    const products = await startFaultProxy(run.subgraphUrls.products);
    const router = await startRouter('router-timeout', { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ products: products.url }), ROUTER_TIMEOUT_MS: '1000', SUBGRAPH_TIMEOUT_MS: '60000' });

    const inTime = await router.client.request<{ products: { edges: unknown[] } }>(productsQuery(1));
    expect(inTime.status).toBe(200);
    expect(inTime.data?.products.edges).toHaveLength(1);

    products.hold();
    const late = await router.client.request(productsQuery(1));
    expect(late.status).toBe(504);
    expect(late.errors?.[0]?.extensions?.code).toBe('GATEWAY_TIMEOUT');
    products.release();
  });
});

describe('SUBGRAPH_TIMEOUT_MS', () => {
  it('answers 200 with partial data and GATEWAY_TIMEOUT naming the subgraph that took longer than one attempt may', async () => {
    const [shopper] = await Promise.all([signUp('Patient'), createProduct()]);
    const users = await startFaultProxy(run.subgraphUrls.users);
    const router = await startRouter('subgraph-timeout', { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ users: users.url }), SUBGRAPH_TIMEOUT_MS: '500', ROUTER_TIMEOUT_MS: '30000' });
    const client = router.client.withToken(shopper.token);
    const query = '{ me { name } products(first: 1) { edges { node { id } } } }';

    const whole = await client.request<{ me: { name: string }; products: { edges: unknown[] } }>(query);
    expect(whole.errors).toBeUndefined();
    expect(whole.data?.me.name).toBe('Patient');

    users.hold();
    const partial = await client.request<{ me: unknown; products: { edges: unknown[] } }>(query);
    expect(partial.status).toBe(200);
    expect(partial.data?.me).toBeNull();
    expect(partial.data?.products.edges).toHaveLength(1);
    expect(partial.errors).toHaveLength(1);
    expect(partial.errors?.[0]?.extensions).toMatchObject({ code: 'GATEWAY_TIMEOUT', service: 'users' });
    users.release();
  });
});

describe('a subgraph answering with an HTTP error', () => {
  it('is answered 200 with partial data and SUBREQUEST_HTTP_ERROR carrying the subgraph, reason and http.status (the README\'s error table)', async () => {
    const [shopper] = await Promise.all([signUp('Failed'), createProduct()]);
    const users = await startFaultProxy(run.subgraphUrls.users);
    const router = await startRouter('subgraph-5xx', { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ users: users.url }), SUBGRAPH_RETRIES: '0' });
    users.fail(503);
    const partial = await router.client.withToken(shopper.token).request<{ me: unknown; products: { edges: unknown[] } }>(
      '{ me { name } products(first: 1) { edges { node { id } } } }',
    );
    expect(partial.data?.me).toBeNull();
    expect(partial.data?.products.edges).toHaveLength(1);
    expect(partial.errors?.[0]?.extensions).toMatchObject({ code: 'SUBREQUEST_HTTP_ERROR', service: 'users', reason: '503 Service Unavailable', http: { status: 503 } });
    expect(partial.status).toBe(200);
  });
});

describe('RETRY_BUDGET_RATIO', () => {
  /** Ten product queries through a router whose products subgraph answers 503; what reached the subgraph and how often the router retried. */
  async function failingQueries(name: string, ratio: string) {
    const products = await startFaultProxy(run.subgraphUrls.products);
    const router = await startRouter(name, { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ products: products.url }), SUBGRAPH_RETRIES: '2', RETRY_BUDGET_RATIO: ratio, BREAKER_FAILURES: '1000' });
    products.fail(503);
    const before = products.requests;
    for (let i = 0; i < 10; i += 1) {
      const answer = await router.client.request(productsQuery(1));
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'SUBREQUEST_HTTP_ERROR', service: 'products' });
    }
    return {
      requests: products.requests - before,
      retries: await metricValue(router.metricsUrl, 'subgraph_retries_total', { subgraph: 'products' }),
    };
  }

  it('retries a failing query SUBGRAPH_RETRIES times while the budget allows', async () => {
    // Ratio 1: retries may double the traffic, so every query is tried 1 + 2 times.
    expect(await failingQueries('retry-generous', '1')).toEqual({ requests: 30, retries: 20 });
  });

  it('stops retrying once retries would exceed the budget', async () => {
    // Ratio 0: only the budget's floor (3 per ten seconds) is left. The first query is retried twice (its
    // last attempt's failure spends nothing: no retry follows it), the second once, the other eight never.
    expect(await failingQueries('retry-budget', '0')).toEqual({ requests: 13, retries: 3 });
  });
});

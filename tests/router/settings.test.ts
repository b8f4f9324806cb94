/**
 * Router settings from the README's configuration table that no other suite turns: each on a router
 * of its own, both ways (the setting's behaviour, and the refusal it documents).
 */
import { describe, expect, it } from 'vitest';
import { SignJWT, importPKCS8 } from 'jose';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { sharedSubgraphOverrides, startRouter } from '../support/processes.js';
import { run } from '../support/run.js';
import { addReview, placeOrder } from '../support/shop.js';

describe('MAX_BODY_BYTES', () => {
  it('serves a body within the limit and answers 413 INVALID_GRAPHQL_REQUEST to a larger one', async () => {
    const router = await startRouter('body-limit', { MAX_BODY_BYTES: '1000' });
    const padded = (bytes: number) => JSON.stringify({ query: `{ __typename }${' '.repeat(bytes)}` });
    const send = (body: string) => fetch(router.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    const within = await send(padded(900));
    expect(within.status).toBe(200);
    const over = await send(padded(1500));
    expect(over.status).toBe(413);
    expect(((await over.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('INVALID_GRAPHQL_REQUEST');
  });
});

describe('RATE_LIMIT_ENABLED', () => {
  it('false: a client far over RATE_LIMIT_MAX is never limited; true (the default): it is', async () => {
    const [off, on] = await Promise.all([
      startRouter('rate-off', { RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_MAX: '1', REDIS_URL: '' }),
      startRouter('rate-on', { RATE_LIMIT_MAX: '1', REDIS_URL: '' }),
    ]);
    for (let i = 0; i < 5; i += 1) expect((await off.client.request('{ __typename }')).status).toBe(200);
    expect((await on.client.request('{ __typename }')).status).toBe(200);
    const limited = await on.client.request('{ __typename }');
    expect(limited.status).toBe(429);
    expect(limited.errors?.[0]?.extensions?.code).toBe('REQUEST_RATE_LIMITED');
  });
});

describe('INTROSPECTION', () => {
  const introspect = '{ __schema { queryType { name } } }';

  it('true turns introspection on in production; false turns it off in development (400 INTROSPECTION_DISABLED)', async () => {
    const [productionOn, developmentOff] = await Promise.all([
      startRouter('introspection-on', { NODE_ENV: 'production', INTROSPECTION: 'true' }),
      startRouter('introspection-off', { NODE_ENV: 'development', INTROSPECTION: 'false' }),
    ]);
    const allowed = await productionOn.client.request(introspect);
    expect(allowed.status).toBe(200);
    expect(allowed.data).toEqual({ __schema: { queryType: { name: 'Query' } } });

    const refused = await developmentOff.client.request(introspect);
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    expect((await developmentOff.client.request('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});

describe('JWT_ISSUER, JWT_AUDIENCE', () => {
  it('accepts a token only for the configured issuer and audience (else 401 AUTH_ERROR)', async () => {
    const shopper = await signUp('Audience');
    const keyFile = path.join(run.jwtKeyDir, 'private.pem');
    const key = await importPKCS8(readFileSync(keyFile, 'utf8'), 'ES256');
    const { kid } = JSON.parse(Buffer.from(shopper.token.split('.')[0]!, 'base64url').toString()) as { kid: string };
    const token = (audience: string) =>
      new SignJWT({ scope: 'customer' }).setProtectedHeader({ alg: 'ES256', kid }).setSubject(shopper.id).setIssuer('commerce-users').setAudience(audience).setIssuedAt().setExpirationTime('5m').sign(key);

    const partnerRouter = await startRouter('audience', { JWT_AUDIENCE: 'partner-portal' });
    const forPortal = await token('partner-portal');
    const accepted = await partnerRouter.client.withToken(forPortal).request<{ me: { id: string } }>('{ me { id } }');
    expect(accepted.status).toBe(200);
    expect(accepted.data?.me.id).toBe(shopper.id);

    const forSupergraph = await partnerRouter.client.withToken(shopper.token).request('{ me { id } }');
    expect(forSupergraph.status).toBe(401);
    expect(forSupergraph.errors?.[0]?.extensions?.code).toBe('AUTH_ERROR');

    const otherIssuer = await startRouter('issuer', { JWT_ISSUER: 'someone-else' });
    const refused = await otherIssuer.client.withToken(shopper.token).request('{ me { id } }');
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe('AUTH_ERROR');
  });
});

describe('SUBGRAPH_URL_OVERRIDES', () => {
  it('sends each named subgraph\'s fetches to its override, and only there', async () => {
    const buyer = await signUp('Routed');
    const product = await createProduct({ amountCents: 1500 });
    await addReview(buyer, product.id, 5);
    await placeOrder(buyer, [{ productId: product.id, quantity: 1 }]);
    const proxies = {
      users: await startFaultProxy(run.subgraphUrls.users),
      products: await startFaultProxy(run.subgraphUrls.products),
      reviews: await startFaultProxy(run.subgraphUrls.reviews),
      orders: await startFaultProxy(run.subgraphUrls.orders),
    };
    const router = await startRouter('subgraph-urls', {
      SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ users: proxies.users.url, products: proxies.products.url, reviews: proxies.reviews.url, orders: proxies.orders.url }),
    });
    const counts = () => Object.fromEntries(Object.entries(proxies).map(([name, proxy]) => [name, proxy.requests]));
    const before = counts();

    const answer = await router.client.withToken(buyer.token).request<{ me: { orders: { edges: unknown[] }; reviews: { edges: unknown[] } } }>(
      '{ me { name orders(first: 1) { edges { node { id } } } reviews(first: 1) { edges { node { product { name } } } } } }',
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.me.orders.edges).toHaveLength(1);
    expect(answer.data?.me.reviews.edges).toHaveLength(1);
    const after = counts();
    for (const name of Object.keys(proxies)) expect(after[name], name).toBeGreaterThan(before[name]!);

    // Only reviews and products: users and orders are not asked.
    const reviewsOnly = counts();
    await router.client.request(`{ product(id: "${product.id}") { name reviews(first: 1) { edges { node { rating } } } } }`);
    const later = counts();
    expect(later.users).toBe(reviewsOnly.users);
    expect(later.orders).toBe(reviewsOnly.orders);
    expect(later.products).toBeGreaterThan(reviewsOnly.products!);
    expect(later.reviews).toBeGreaterThan(reviewsOnly.reviews!);
  });
});

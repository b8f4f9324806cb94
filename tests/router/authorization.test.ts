import { describe, expect, it } from 'vitest';
import { asAdmin, signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { startRouter } from '../support/processes.js';
import { metricValue, router, run } from '../support/run.js';

const UNAUTHORIZED = { message: 'Unauthorized field or type', extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } };

describe('@authenticated and @requiresScopes, enforced by the router', () => {
  it('anonymous: an @authenticated field is removed, answered null with one error, and the rest still resolves', async () => {
    const product = await createProduct();
    const result = await router.request<{ me: unknown; product: { name: string } }>(
      'query($id: ID!) { me { id name } product(id: $id) { name } }',
      { id: product.id },
    );
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ me: null, product: { name: product.name } });
    expect(result.errors).toEqual([{ ...UNAUTHORIZED, path: ['me'] }]);
  });

  it('judges the operation as sent: valid ones stay partial answers, invalid ones 400, whatever authorization removes', async () => {
    const product = await createProduct();
    // Valid: the variable and the fragment only `me` used are removed with it.
    const withVariable = await router.request('query($id: ID!, $show: Boolean!) { product(id: $id) { name } me @include(if: $show) { id } }', { id: product.id, show: false });
    expect(withVariable.status).toBe(200);
    expect(withVariable.data).toEqual({ product: { name: product.name }, me: null });
    const withFragment = await router.request('query($id: ID!) { product(id: $id) { name } me { ...U } } fragment U on User { id name }', { id: product.id });
    expect(withFragment.status).toBe(200);
    expect(withFragment.data).toEqual({ product: { name: product.name }, me: null });
    expect(withFragment.errors).toEqual([{ ...UNAUTHORIZED, path: ['me'] }]);
    // Invalid as sent: refused by validation, anonymous or not, even when only removed fields are wrong.
    for (const client of [router, (await signUp()).client]) {
      const invalid = await client.request('{ me { nonexistentField } }');
      expect(invalid.status).toBe(400);
      expect(invalid.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const variables = await router.request('query($id: ID!) { product(id: $id) { name } me { id } }');
    expect(variables.status).toBe(400);
    expect(variables.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps an alias named __proto__ of a removed field as a key of the answer', async () => {
    const result = await router.request('{ __proto__: me { id } constructor: me { id } }');
    expect(result.status).toBe(200);
    expect(JSON.stringify(result.data)).toBe('{"__proto__":null,"constructor":null}');
  });

  it('removes a nested field in every list item, with the list path in the error; the null stays on the nullable field', async () => {
    const [author, product] = await Promise.all([signUp('Listed'), createProduct()]);
    await author.client.data('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', { i: { productId: product.id, rating: 4, body: 'ok' } });
    const result = await router.request<{ product: unknown }>(
      'query($id: ID!) { product(id: $id) { reviews(first: 5) { edges { node { rating author { name orders(first: 1) { edges { node { id } } } } } } } } }',
      { id: product.id },
    );
    // `User.orders` is nullable (another subgraph contributes it), so the null stays there and the rest arrives.
    expect(result.data).toEqual({ product: { reviews: { edges: [{ node: { rating: 4, author: { name: 'Listed', orders: null } } }] } } });
    expect(result.errors).toEqual([{ ...UNAUTHORIZED, path: ['product', 'reviews', 'edges', '@', 'node', 'author', 'orders'] }]);
  });

  it('a token without the admin scope gets null plus UNAUTHORIZED_FIELD_OR_TYPE for a scoped field; the subgraph is never asked', async () => {
    const shopper = await signUp();
    const usersRequests = () => metricValue(run.metricsUrls.users, 'graphql_operations_total', {}, { absentAsZero: true });
    const before = await usersRequests();
    const result = await shopper.client.request('{ users(first: 1) { edges { node { id } } } }');
    expect(result.status).toBe(200);
    // `users` is non-null, so the null propagates to `data`.
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([{ ...UNAUTHORIZED, path: ['users'] }]);
    expect(await usersRequests()).toBe(before);

    const admin = await asAdmin();
    const allowed = await admin.client.data<{ users: { edges: unknown[] } }>('{ users(first: 1) { edges { node { id } } } }');
    expect(allowed.users.edges).toHaveLength(1);
  });

  it('admin-only mutations are marked with scopes: a shopper is refused before any subgraph runs them', async () => {
    const shopper = await signUp();
    const result = await shopper.client.request(
      'mutation { createProduct(input: { sku: "SCOPE-1", name: "x", description: "", price: { amountCents: "1" }, stock: 1 }) { id } }',
    );
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([{ ...UNAUTHORIZED, path: ['createProduct'] }]);
    const exists = await router.request('{ product(sku: "SCOPE-1") { id } }');
    expect(exists.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('with AUTHZ_REJECT_UNAUTHORIZED the whole request is refused: data null, the same errors', async () => {
    const strict = await startRouter('reject-unauthorized', { AUTHZ_REJECT_UNAUTHORIZED: 'true' });
    const product = await createProduct();
    const result = await strict.client.request('query($id: ID!) { me { id } product(id: $id) { name } }', { id: product.id });
    expect(result.status).toBe(200);
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([{ ...UNAUTHORIZED, path: ['me'] }]);
  });

  it('with REQUIRE_AUTHENTICATION an anonymous request gets 401 AUTH_ERROR', async () => {
    const closed = await startRouter('require-authentication', { REQUIRE_AUTHENTICATION: 'true' });
    const anonymous = await closed.client.request('{ __typename }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('AUTH_ERROR');
    const shopper = await signUp();
    const signedIn = await closed.client.withToken(shopper.token).request('{ me { id } }');
    expect(signedIn.data).toEqual({ me: { id: shopper.id } });
  });
});

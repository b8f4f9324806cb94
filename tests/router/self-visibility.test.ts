/**
 * "Only the user themself or an admin" fields (User.email, User.orders) are readable by that user wherever their own
 * User appears, including the payload of the signUp / logIn that signs them in (the caller has no
 * token yet, but is that user); everyone else's stay refused, anonymous or signed in.
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD, signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { addReview, placeOrder } from '../support/shop.js';
import { router, unique } from '../support/run.js';

interface Payload {
  token: string;
  user: { id: string; email: string | null };
}

describe('self-visibility of private fields', () => {
  it('signUp answers the new user its own e-mail', async () => {
    const email = `${unique('self')}@example.test`;
    const result = await router.request<{ signUp: Payload }>(
      'mutation($input: SignUpInput!) { signUp(input: $input) { token user { id email } } }',
      { input: { email, name: 'Self', password: PASSWORD } },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.signUp.user.email).toBe(email);
  });

  it('logIn answers the user its own e-mail; with the token, me and user(id) do too', async () => {
    const account = await signUp('Returning');
    const result = await router.request<{ logIn: Payload }>(
      'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token user { id email } } }',
      { e: account.email, p: PASSWORD },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.logIn.user).toEqual({ id: account.id, email: account.email });
    const own = await router.withToken(result.data!.logIn.token).data<{ me: { email: string }; user: { email: string } }>(
      'query($id: ID!) { me { email } user(id: $id) { email } }',
      { id: account.id },
    );
    expect(own).toEqual({ me: { email: account.email }, user: { email: account.email } });
  });

  it("another user's e-mail stays refused: anonymous, signed in, and reached from a logIn payload", async () => {
    const [victim, attacker, product] = await Promise.all([signUp('Victim'), signUp('Attacker'), createProduct()]);
    const review = 'mutation($i: AddReviewInput!) { addReview(input: $i) { id } }';
    await victim.client.data(review, { i: { productId: product.id, rating: 5, body: 'mine' } });
    await attacker.client.data(review, { i: { productId: product.id, rating: 1, body: 'theirs' } });

    const anonymous = await router.request<{ user: { email: string | null } }>('query($id: ID!) { user(id: $id) { email } }', { id: victim.id });
    expect(anonymous.data?.user.email).toBeNull();
    expect(anonymous.errors?.[0]).toMatchObject({ path: ['user', 'email'], extensions: { code: 'UNAUTHENTICATED' } });

    const signedIn = await attacker.client.request<{ user: { email: string | null } }>('query($id: ID!) { user(id: $id) { email } }', { id: victim.id });
    expect(signedIn.data?.user.email).toBeNull();
    expect(signedIn.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });

    // From the attacker's own logIn payload, through their review to the product's other reviews' authors.
    const pivot = await router.request<{ logIn: { user: { email: string; reviews: { edges: { node: { product: { reviews: { edges: { node: { author: { id: string; email: string | null } } }[] } } } }[] } } } }>(
      `mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token user { email
        reviews(first: 5) { edges { node { product { reviews(first: 10) { edges { node { author { id email } } } } } } } } } } }`,
      { e: attacker.email, p: PASSWORD },
    );
    expect(pivot.data?.logIn.user.email).toBe(attacker.email);
    const authors = pivot.data!.logIn.user.reviews.edges.flatMap((edge) => edge.node.product.reviews.edges.map((e) => e.node.author));
    expect(authors.find((author) => author.id === victim.id)?.email).toBeNull();
    expect(JSON.stringify(pivot)).not.toContain(victim.email);
  });

  // User.orders lives in the orders subgraph and is @authenticated in the supergraph: the router lets it
  // through under a sign-in payload's `user`, and signs the orders fetch with the token the sign-in returned.
  const LOG_IN_ORDERS = `mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token
    user { id email orders(first: 5) { edges { node { id } } } } } }`;
  type Orders = { edges: { node: { id: string } }[] } | null;

  it('signUp and logIn answer the user its own orders (contributed by another subgraph)', async () => {
    const email = `${unique('orders')}@example.test`;
    const signedUp = await router.request<{ signUp: { token: string; user: { email: string; orders: Orders } } }>(
      'mutation($input: SignUpInput!) { signUp(input: $input) { token user { email orders(first: 5) { edges { node { id } } } } } }',
      { input: { email, name: 'Orders', password: PASSWORD } },
    );
    expect(signedUp.errors).toBeUndefined();
    expect(signedUp.data?.signUp.user).toEqual({ email, orders: { edges: [] } });

    const product = await createProduct();
    const buyer = { id: '', email, name: 'Orders', token: signedUp.data!.signUp.token, client: router.withToken(signedUp.data!.signUp.token) };
    const orderId = await placeOrder(buyer, [{ productId: product.id, quantity: 1 }]);
    const loggedIn = await router.request<{ logIn: { token: string; user: { email: string; orders: Orders } } }>(LOG_IN_ORDERS, { e: email, p: PASSWORD });
    expect(loggedIn.errors).toBeUndefined();
    expect(loggedIn.data?.logIn.user.email).toBe(email);
    expect(loggedIn.data?.logIn.user.orders?.edges.map((edge) => edge.node.id)).toEqual([orderId]);
  });

  it('a sign-in payload that does not select the token still reads its own orders, and the token stays unsent', async () => {
    const account = await signUp('Tokenless');
    const product = await createProduct();
    const orderId = await placeOrder(account, [{ productId: product.id, quantity: 1 }]);
    const loggedIn = await router.request<{ in: { user: { id: string; orders: Orders } } }>(
      'mutation($e: String!, $p: String!) { in: logIn(email: $e, password: $p) { user { id orders(first: 5) { edges { node { id } } } } } }',
      { e: account.email, p: PASSWORD },
    );
    expect(loggedIn.errors).toBeUndefined();
    expect(loggedIn.data).toEqual({ in: { user: { id: account.id, orders: { edges: [{ node: { id: orderId } }] } } } });
  });

  it("a failed logIn reads no orders; another user's orders stay refused from a logIn payload and anonymously", async () => {
    const [victim, attacker, product] = await Promise.all([signUp('OrderVictim'), signUp('OrderAttacker'), createProduct()]);
    const victimOrder = await placeOrder(victim, [{ productId: product.id, quantity: 1 }]);
    const attackerOrder = await placeOrder(attacker, [{ productId: product.id, quantity: 1 }]);
    await Promise.all([addReview(victim, product.id, 5), addReview(attacker, product.id, 1)]);

    const failed = await router.request(LOG_IN_ORDERS, { e: victim.email, p: 'not the password' });
    expect(failed.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(failed)).not.toContain(victimOrder);

    // The attacker's own logIn payload, through their review to the product's other reviews' authors' orders.
    type Author = { id: string; orders: Orders };
    const pivot = await router.request<{ logIn: { user: { orders: Orders; reviews: { edges: { node: { product: { reviews: { edges: { node: { author: Author } }[] } } } }[] } } } }>(
      `mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token user { orders(first: 5) { edges { node { id } } }
        reviews(first: 5) { edges { node { product { reviews(first: 10) { edges { node { author { id orders(first: 5) { edges { node { id } } } } } } } } } } } } } }`,
      { e: attacker.email, p: PASSWORD },
    );
    expect(pivot.data?.logIn.user.orders?.edges.map((edge) => edge.node.id)).toEqual([attackerOrder]);
    const authors = pivot.data!.logIn.user.reviews.edges.flatMap((edge) => edge.node.product.reviews.edges.map((e) => e.node.author));
    expect(authors.find((author) => author.id === victim.id)).toMatchObject({ orders: null });
    expect(pivot.errors?.some((error) => error.path?.includes('orders'))).toBe(true);
    expect(JSON.stringify(pivot)).not.toContain(victimOrder);

    const anonymous = await router.request(
      'query($id: ID!) { product(id: $id) { reviews(first: 10) { edges { node { author { id orders(first: 5) { edges { node { id } } } } } } } } }',
      { id: product.id },
    );
    expect(anonymous.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } });
    expect(JSON.stringify(anonymous)).not.toContain(victimOrder);
  });
});

import { describe, expect, it } from 'vitest';
import { PASSWORD, asAdmin, signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { router, unique } from '../support/run.js';

const refused = (result: { errors?: { extensions?: Record<string, unknown> }[] }, field: string) =>
  expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });

describe('string input at the edge (through the router)', () => {
  it('refuses NUL in search text, a product name and a review body, as variables and literals, naming the field', async () => {
    const [admin, author, product] = await Promise.all([asAdmin(), signUp('Nul'), createProduct()]);
    refused(await router.request('query($s: String) { products(filter: { search: $s }) { edges { cursor } } }', { s: 'mug\u0000' }), 'filter.search');
    refused(await router.request('{ products(filter: { search: "a\\u0000" }) { edges { cursor } } }'), 'filter.search');
    refused(
      await admin.client.request('mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', {
        i: { sku: unique('NUL-'), name: 'Bad\u0000name', description: '', price: { amountCents: '1' }, stock: 1 },
      }),
      'input.name',
    );
    refused(await author.client.request('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', { i: { productId: product.id, rating: 4, body: 'ok\u0000' } }), 'input.body');
    refused(await router.request('query($sku: String) { product(sku: $sku) { id } }', { sku: 'A\u0007' }), 'sku');
    refused(await router.request('query($id: ID!) { user(id: $id) { id } }', { id: '\u001b[2J' }), 'id');
  });

  it('allows line breaks in a review body and a description, not in a name', async () => {
    const [admin, author, product] = await Promise.all([asAdmin(), signUp('Lines'), createProduct()]);
    const review = await author.client.request<{ addReview: { body: string } }>('mutation($i: AddReviewInput!) { addReview(input: $i) { body } }', {
      i: { productId: product.id, rating: 5, body: 'Line one\n\tLine two' },
    });
    expect(review.data?.addReview.body).toBe('Line one\n\tLine two');
    refused(
      await admin.client.request('mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }', {
        i: { sku: unique('NL-'), name: 'Two\nlines', description: 'Fine\nhere', price: { amountCents: '1' }, stock: 1 },
      }),
      'input.name',
    );
  });

  it('refuses over-long strings on arguments that had no limit before', async () => {
    refused(await router.request('query($sku: String) { product(sku: $sku) { id } }', { sku: 'S'.repeat(257) }), 'sku');
    refused(await router.request('query($a: String) { products(after: $a) { edges { cursor } } }', { a: 'c'.repeat(257) }), 'after');
    refused(await router.request('mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }', { e: 'a@b.c', p: 'p'.repeat(257) }), 'password');
  });

  it('normalises e-mail addresses to NFC: signed up decomposed, logged in composed', async () => {
    const local = unique('jose');
    const decomposed = `${local}-jose\u0301@example.test`;
    const composed = `${local}-jos\u00e9@example.test`;
    const signedUp = await router.request('mutation($i: SignUpInput!) { signUp(input: $i) { token } }', { i: { email: decomposed, name: 'José', password: PASSWORD } });
    expect(signedUp.errors).toBeUndefined();
    const again = await router.request('mutation($i: SignUpInput!) { signUp(input: $i) { token } }', { i: { email: composed.toUpperCase(), name: 'José', password: PASSWORD } });
    refused(again, 'input.email');
    const logIn = await router.request<{ logIn: { token: string } }>('mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }', { e: composed, p: PASSWORD });
    expect(logIn.errors).toBeUndefined();
    expect(logIn.data?.logIn.token).toBeTruthy();
  });
});

import { describe, expect, it } from 'vitest';
import { asAdmin, signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { router } from '../support/run.js';
import { subgraphCalls } from '../support/subgraph-calls.js';

const ADD = 'mutation($i: AddReviewInput!) { addReview(input: $i) { id rating body verifiedPurchase createdAt author { id name } product { id name } } }';

type Review = { id: string; rating: number; body: string; verifiedPurchase: boolean; author: { id: string; name: string }; product: { id: string; name: string } };

describe('reviews through the router', () => {
  it('adds a review that resolves its author and product across subgraphs', async () => {
    const [author, product] = await Promise.all([signUp('Reviewer'), createProduct()]);
    const { addReview } = await author.client.data<{ addReview: Review }>(ADD, { i: { productId: product.id, rating: 4, body: 'Solid.' } });
    expect(addReview).toMatchObject({
      rating: 4,
      body: 'Solid.',
      verifiedPurchase: false,
      author: { id: author.id, name: 'Reviewer' },
      product: { id: product.id, name: product.name },
    });
    const { review } = await router.data<{ review: { id: string } }>('query($id: ID!) { review(id: $id) { id } }', { id: addReview.id });
    expect(review.id).toBe(addReview.id);
  });

  it('allows one review per user and product, and validates rating and body', async () => {
    const [author, product] = await Promise.all([signUp(), createProduct()]);
    await author.client.data(ADD, { i: { productId: product.id, rating: 5, body: 'First' } });
    const again = await author.client.request(ADD, { i: { productId: product.id, rating: 1, body: 'Second' } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.productId' });

    const other = await createProduct();
    for (const [input, field] of [
      [{ productId: other.id, rating: 6, body: 'x' }, 'input.rating'],
      [{ productId: other.id, rating: 0, body: 'x' }, 'input.rating'],
      [{ productId: other.id, rating: 3, body: '   ' }, 'input.body'],
      [{ productId: 'nope', rating: 3, body: 'x' }, 'input.productId'],
    ] as const) {
      const result = await author.client.request(ADD, { i: input });
      expect(result.errors?.[0]?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const unknownProduct = await author.client.request(ADD, { i: { productId: '00000000-0000-4000-8000-000000000000', rating: 3, body: 'x' } });
    expect(unknownProduct.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('lets the author or an admin change and delete a review, nobody else', async () => {
    const [author, stranger, product] = await Promise.all([signUp(), signUp(), createProduct()]);
    const { addReview } = await author.client.data<{ addReview: Review }>(ADD, { i: { productId: product.id, rating: 2, body: 'Meh' } });
    const update = 'mutation($id: ID!, $i: UpdateReviewInput!) { updateReview(id: $id, input: $i) { rating body } }';

    const refused = await stranger.client.request(update, { id: addReview.id, i: { rating: 1 } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const refusedDelete = await stranger.client.request('mutation($id: ID!) { deleteReview(id: $id) { id } }', { id: addReview.id });
    expect(refusedDelete.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const { updateReview } = await author.client.data<{ updateReview: { rating: number; body: string } }>(update, {
      id: addReview.id,
      i: { rating: 3, body: 'Better than I thought' },
    });
    expect(updateReview).toEqual({ rating: 3, body: 'Better than I thought' });

    const admin = await asAdmin();
    const { deleteReview } = await admin.client.data<{ deleteReview: { id: string; rating: number } }>(
      'mutation($id: ID!) { deleteReview(id: $id) { id rating } }',
      { id: addReview.id },
    );
    expect(deleteReview).toEqual({ id: addReview.id, rating: 3 });
    const gone = await router.request('query($id: ID!) { review(id: $id) { id } }', { id: addReview.id });
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const deleteAgain = await author.client.request('mutation($id: ID!) { deleteReview(id: $id) { id } }', { id: addReview.id });
    expect(deleteAgain.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('pages through a product\'s and a user\'s reviews, newest first', async () => {
    const product = await createProduct();
    const authors = [await signUp('R1'), await signUp('R2'), await signUp('R3')];
    const ids: string[] = [];
    for (const [index, author] of authors.entries()) {
      const { addReview } = await author.client.data<{ addReview: Review }>(ADD, { i: { productId: product.id, rating: index + 1, body: `#${index}` } });
      ids.push(addReview.id);
    }
    const query = `query($id: ID!, $after: String) { product(id: $id) { reviews(first: 2, after: $after) {
      edges { node { id } } pageInfo { hasNextPage endCursor } } } }`;
    type ReviewPage = { product: { reviews: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
    const first = await router.data<ReviewPage>(query, { id: product.id });
    expect(first.product.reviews.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1]]);
    expect(first.product.reviews.pageInfo.hasNextPage).toBe(true);
    const second = await router.data<ReviewPage>(query, { id: product.id, after: first.product.reviews.pageInfo.endCursor });
    expect(second.product.reviews.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    expect(second.product.reviews.pageInfo.hasNextPage).toBe(false);

    const mine = await authors[0]!.client.data<{ me: { reviews: { edges: { node: { id: string; product: { id: string } } }[] } } }>(
      '{ me { reviews(first: 5) { edges { node { id product { id } } } } } }',
    );
    expect(mine.me.reviews.edges).toEqual([{ node: { id: ids[0], product: { id: product.id } } }]);
  });

  it('needs a signed-in user to review', async () => {
    const product = await createProduct();
    const before = await subgraphCalls('reviews');
    const result = await router.request(ADD, { i: { productId: product.id, rating: 5, body: 'anon' } });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(await subgraphCalls('reviews')).toBe(before);
  });
});

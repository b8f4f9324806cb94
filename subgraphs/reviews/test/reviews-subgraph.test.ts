import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { readEvents, startTestSubgraph, type TestSubgraph } from '@commerce/kit/testing';
import { topicOf } from '@commerce/kit/events/catalog';
import { newEvent } from '@commerce/kit/events/outbox';
import { loadReviewsConfig } from '../src/config.js';
import { createReviewsService } from '../src/service.js';

const run = inject('run');
const author = { id: '00000000-0000-4000-8000-0000000000a1' };
const productId = '00000000-0000-4000-8000-0000000000b1';
let reviews: TestSubgraph;

beforeAll(async () => {
  reviews = await startTestSubgraph(run, 'reviews', 'reviews_subgraph', loadReviewsConfig, createReviewsService);
  // The product exists as far as reviews know once its ProductCreated event arrives.
  const producer = new Kafka({ clientId: 'reviews-test', brokers: run.brokers, logLevel: logLevel.NOTHING }).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const created = newEvent('ProductCreated', productId, {
    productId, sku: 'R-1', name: 'Reviewed', priceCents: 100, currency: 'USD', active: true, version: 1,
  });
  await producer.send({ topic: topicOf('products', reviews.topicPrefix), messages: [{ key: productId, value: JSON.stringify(created) }] });
  await producer.disconnect();
});
afterAll(() => reviews?.close());

describe('reviews subgraph', () => {
  it('contributes reviews to User and Product entities, and resolves Review references', async () => {
    const added = await reviews.request<{ addReview: { id: string } }>(
      `mutation { addReview(input: { productId: "${productId}", rating: 4, body: "Good" }) { id } }`,
      undefined,
      author,
    );
    const reviewId = added.data!.addReview.id;
    const result = await reviews.request<{ _entities: unknown[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Product { id reviews(first: 5) { edges { node { id rating } } } }
        ... on User { id reviews(first: 5) { edges { node { id product { id } } } } }
        ... on Review { id body author { id } verifiedPurchase } } }`,
      { r: [{ __typename: 'Product', id: productId }, { __typename: 'User', id: author.id }, { __typename: 'Review', id: reviewId }] },
    );
    expect(result.data?._entities).toEqual([
      { id: productId, reviews: { edges: [{ node: { id: reviewId, rating: 4 } }] } },
      { id: author.id, reviews: { edges: [{ node: { id: reviewId, product: { id: productId } } }] } },
      { id: reviewId, body: 'Good', author: { id: author.id }, verifiedPurchase: false },
    ]);
  });

  it('publishes ReviewAdded, then ReviewUpdated with the previous rating', async () => {
    const other = { id: '00000000-0000-4000-8000-0000000000a2' };
    const added = await reviews.request<{ addReview: { id: string } }>(
      `mutation { addReview(input: { productId: "${productId}", rating: 2, body: "Hm" }) { id } }`,
      undefined,
      other,
    );
    const id = added.data!.addReview.id;
    await reviews.request(`mutation { updateReview(id: "${id}", input: { rating: 5 }) { id } }`, undefined, other);
    const events = await readEvents(run.brokers, topicOf('reviews', reviews.topicPrefix), (seen) =>
      seen.filter((event) => event.aggregateId === id).length === 2,
    );
    expect(events.filter((event) => event.aggregateId === id).map((event) => [event.type, event.payload])).toEqual([
      ['ReviewAdded', { reviewId: id, productId, authorId: other.id, rating: 2 }],
      ['ReviewUpdated', { reviewId: id, productId, authorId: other.id, rating: 5, previousRating: 2 }],
    ]);
  });
});

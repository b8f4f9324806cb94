import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newEvent } from '@commerce/kit/events/outbox';
import { deadLetterTopicOf, topicOf } from '@commerce/kit/events/catalog';
import { signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { produce, readMessages } from '../support/kafka.js';
import { eventually, metricValue, run } from '../support/run.js';
import { addReview, productFacts, userFacts } from '../support/shop.js';

const reviewsTopic = topicOf('reviews', run.topicPrefix);
const ordersTopic = topicOf('orders', run.topicPrefix);
const consumed = (service: 'products' | 'users', outcome: string) =>
  metricValue(run.metricsUrls[service], 'events_consumed_total', { outcome }, { absentAsZero: true });

describe('delivery guarantees', () => {
  it('applies an event delivered twice only once', async () => {
    const [author, product] = await Promise.all([signUp(), createProduct()]);
    const reviewId = await addReview(author, product.id, 4);
    await eventually(async () => expect(await productFacts(product.id)).toMatchObject({ reviewCount: 1, averageRating: 4 }));
    await eventually(async () => expect((await userFacts(author)).reviewCount).toBe(1));

    const [original] = (await readMessages(reviewsTopic, (messages) => messages.some((m) => m.key === reviewId))).filter((m) => m.key === reviewId);
    const duplicatesBefore = await Promise.all([consumed('products', 'duplicate'), consumed('users', 'duplicate')]);
    await produce(reviewsTopic, [0, 1].map(() => ({ key: original!.key, value: original!.value, headers: original!.headers })));

    await eventually(async () => {
      const after = await Promise.all([consumed('products', 'duplicate'), consumed('users', 'duplicate')]);
      expect(after[0]! - duplicatesBefore[0]!).toBe(2);
      expect(after[1]! - duplicatesBefore[1]!).toBe(2);
    });
    expect(await productFacts(product.id)).toMatchObject({ reviewCount: 1, averageRating: 4 });
    expect((await userFacts(author)).reviewCount).toBe(1);
  });

  it('sends poison events to the dead-letter topic and keeps applying what follows on the partition', async () => {
    const [author, product] = await Promise.all([signUp(), createProduct()]);
    const key = randomUUID();
    const valid = newEvent('ReviewAdded', key, { reviewId: key, productId: product.id, authorId: author.id, rating: 3 });
    const badPayload = { ...valid, id: randomUUID(), payload: { ...valid.payload, rating: 9 } };
    // Same key, so the same partition, in this order: two poison messages, then a good event.
    await produce(reviewsTopic, [
      { key, value: 'this is not json', headers: { traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01' } },
      { key, value: JSON.stringify(badPayload) },
      { key, value: JSON.stringify(valid) },
    ]);

    await eventually(async () => expect(await productFacts(product.id)).toMatchObject({ reviewCount: 1, averageRating: 3 }));
    await eventually(async () => expect((await userFacts(author)).reviewCount).toBe(1));

    // Each consumer group dead-letters on its own: products and users both subscribe to reviews.events.
    const dead = (await readMessages(deadLetterTopicOf(reviewsTopic), (messages) => messages.filter((m) => m.key === key).length === 4)).filter(
      (m) => m.key === key,
    );
    expect(dead.map((m) => m.headers['dlq-consumer-group']).sort()).toEqual(
      [`${run.topicPrefix}products`, `${run.topicPrefix}products`, `${run.topicPrefix}users`, `${run.topicPrefix}users`],
    );
    for (const message of dead) {
      expect(message.headers['dlq-original-topic']).toBe(reviewsTopic);
      expect(message.headers['dlq-error']).toMatch(/not JSON|invalid ReviewAdded payload/);
      expect(message.headers['dlq-original-offset']).toMatch(/^\d+$/);
    }
    expect(dead.filter((m) => m.value === 'this is not json')).toHaveLength(2);

    // Take the hand-made review back out, so the shared databases stay consistent for other suites.
    await produce(reviewsTopic, [{ key, value: JSON.stringify(newEvent('ReviewDeleted', key, valid.payload)) }]);
    await eventually(async () => expect(await productFacts(product.id)).toMatchObject({ reviewCount: 0, averageRating: null }));
    await eventually(async () => expect((await userFacts(author)).reviewCount).toBe(0));
  });

  it('applies a run of counter events in any mix of types as one event after the other would', async () => {
    const [first, second, buyer, product] = await Promise.all([signUp(), signUp(), signUp(), createProduct()]);
    const [kept, removed] = [randomUUID(), randomUUID()];
    const review = (reviewId: string, author: string, rating: number) => ({ reviewId, productId: product.id, authorId: author, rating });
    const added = newEvent('ReviewAdded', removed, review(removed, second.id, 2));
    // One key, one produce: consecutive on one partition, so the consumers can take them as one run,
    // with a copy of an event inside it.
    const reviewEvents = [
      newEvent('ReviewAdded', kept, review(kept, first.id, 5)),
      added,
      newEvent('ReviewUpdated', kept, { ...review(kept, first.id, 3), previousRating: 5 }),
      added,
      newEvent('ReviewDeleted', removed, review(removed, second.id, 2)),
    ];
    await produce(reviewsTopic, reviewEvents.map((event) => ({ key: product.id, value: JSON.stringify(event) })));
    const [o1, o2, o3] = [randomUUID(), randomUUID(), randomUUID()];
    const order = (orderId: string, totalCents: number) => ({ orderId, buyerId: buyer.id, totalCents, currency: 'USD', items: [{ productId: product.id, quantity: 1 }] });
    const orderEvents = [
      newEvent('OrderConfirmed', o1, order(o1, 1_500)),
      newEvent('OrderConfirmed', o2, order(o2, 2_500)),
      newEvent('OrderCancelled', o2, { ...order(o2, 2_500), wasConfirmed: true }),
      newEvent('OrderCancelled', o3, { ...order(o3, 999), wasConfirmed: false }),
    ];
    await produce(ordersTopic, orderEvents.map((event) => ({ key: buyer.id, value: JSON.stringify(event) })));

    await eventually(async () => expect(await productFacts(product.id)).toMatchObject({ reviewCount: 1, averageRating: 3 }));
    await eventually(async () => {
      expect(await userFacts(first)).toMatchObject({ reviewCount: 1 });
      expect(await userFacts(buyer)).toMatchObject({ orderCount: 1, lifetimeSpend: { amountCents: '1500' } });
    });
    expect(await userFacts(second)).toMatchObject({ reviewCount: 0 });

    // Take the hand-made review and order back out, so the shared databases stay consistent for other suites.
    await produce(reviewsTopic, [{ key: product.id, value: JSON.stringify(newEvent('ReviewDeleted', kept, review(kept, first.id, 3))) }]);
    await produce(ordersTopic, [{ key: buyer.id, value: JSON.stringify(newEvent('OrderCancelled', o1, { ...order(o1, 1_500), wasConfirmed: true })) }]);
    await eventually(async () => expect(await productFacts(product.id)).toMatchObject({ reviewCount: 0, averageRating: null }));
    await eventually(async () => {
      expect(await userFacts(first)).toMatchObject({ reviewCount: 0 });
      expect(await userFacts(buyer)).toMatchObject({ orderCount: 0, lifetimeSpend: { amountCents: '0' } });
    });
  });
});

import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { eventually, readEvents, startTestSubgraph, type TestSubgraph } from '@commerce/kit/testing';
import { topicOf } from '@commerce/kit/events/catalog';
import { newEvent } from '@commerce/kit/events/outbox';
import { loadOrdersConfig } from '../src/config.js';
import { createOrdersService } from '../src/service.js';

const run = inject('run');
const buyer = { id: '00000000-0000-4000-8000-0000000000c1' };
const productId = '00000000-0000-4000-8000-0000000000d1';
let orders: TestSubgraph;
let producer: Producer;

async function publish(topic: string, event: ReturnType<typeof newEvent>) {
  await producer.send({ topic, messages: [{ key: event.aggregateId, value: JSON.stringify(event) }] });
}

beforeAll(async () => {
  orders = await startTestSubgraph(run, 'orders', 'orders_subgraph', loadOrdersConfig, createOrdersService);
  producer = new Kafka({ clientId: 'orders-test', brokers: run.brokers, logLevel: logLevel.NOTHING }).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  await publish(
    topicOf('products', orders.topicPrefix),
    newEvent('ProductCreated', productId, { productId, sku: 'O-1', name: 'Kettle', priceCents: 2500, currency: 'USD', active: true, version: 1 }),
  );
});
afterAll(async () => {
  await producer?.disconnect();
  await orders?.close();
});

describe('orders subgraph', () => {
  it('places an order from its catalog replica and follows the saga to CONFIRMED', async () => {
    const placed = await orders.request<{ placeOrder: { id: string; status: string; total: { amountCents: string }; items: { productName: string }[] } }>(
      `mutation { placeOrder(input: { items: [{ productId: "${productId}", quantity: 2 }] }) { id status total { amountCents } items { productName } } }`,
      undefined,
      buyer,
    );
    const order = placed.data!.placeOrder;
    expect(order).toMatchObject({ status: 'PENDING', total: { amountCents: '5000' }, items: [{ productName: 'Kettle' }] });

    const events = await readEvents(run.brokers, topicOf('orders', orders.topicPrefix), (seen) => seen.some((e) => e.aggregateId === order.id));
    expect(events.find((e) => e.aggregateId === order.id)).toMatchObject({
      type: 'OrderPlaced',
      payload: { orderId: order.id, buyerId: buyer.id, totalCents: 5000, items: [{ productId, quantity: 2 }] },
    });

    await publish(topicOf('products', orders.topicPrefix), newEvent('StockReserved', order.id, { orderId: order.id, items: [{ productId, quantity: 2 }] }));
    const confirmed = await readEvents(run.brokers, topicOf('orders', orders.topicPrefix), (seen) => seen.some((e) => e.type === 'OrderConfirmed'));
    expect(confirmed.find((e) => e.type === 'OrderConfirmed')?.aggregateId).toBe(order.id);
    const result = await orders.request<{ _entities: { status: string }[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { status } } }',
      { r: [{ __typename: 'Order', id: order.id }] },
      buyer,
    );
    expect(result.data?._entities).toEqual([{ status: 'CONFIRMED' }]);
  });

  it('guards Order entities: another viewer gets FORBIDDEN', async () => {
    const placed = await orders.request<{ placeOrder: { id: string } }>(
      `mutation { placeOrder(input: { items: [{ productId: "${productId}", quantity: 1 }] }) { id } }`,
      undefined,
      buyer,
    );
    const result = await orders.request(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id total { amountCents } } } }',
      { r: [{ __typename: 'Order', id: placed.data!.placeOrder.id }] },
      { id: '00000000-0000-4000-8000-0000000000c2' },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('cancelled while pending: a late StockReserved does not confirm it, and the history has no CONFIRMED step', async () => {
    const placed = await orders.request<{ placeOrder: { id: string } }>(
      `mutation { placeOrder(input: { items: [{ productId: "${productId}", quantity: 1 }] }) { id } }`,
      undefined,
      buyer,
    );
    const id = placed.data!.placeOrder.id;
    const cancelled = await orders.request<{ cancelOrder: { status: string; statusHistory: { status: string; at: string }[] } }>(
      'mutation($id: ID!) { cancelOrder(id: $id) { status statusHistory { status at } } }',
      { id },
      buyer,
    );
    expect(cancelled.data?.cancelOrder.status).toBe('CANCELLED');
    expect(cancelled.data?.cancelOrder.statusHistory.map((change) => change.status)).toEqual(['PENDING', 'CANCELLED']);

    // The reservation answers after the cancellation (products then releases it on OrderCancelled). A
    // catalog event sent after it with the same key (one partition, applied in order) tells when it was handled.
    const marker = '00000000-0000-4000-8000-0000000000e1';
    await producer.send({
      topic: topicOf('products', orders.topicPrefix),
      messages: [
        newEvent('StockReserved', id, { orderId: id, items: [{ productId, quantity: 1 }] }),
        newEvent('ProductCreated', marker, { productId: marker, sku: 'O-2', name: 'Marker', priceCents: 1, currency: 'USD', active: true, version: 1 }),
      ].map((event) => ({ key: id, value: JSON.stringify(event) })),
    });
    await eventually(async () => {
      const probe = await orders.request(`mutation { placeOrder(input: { items: [{ productId: "${marker}", quantity: 1 }] }) { id } }`, undefined, buyer);
      expect(probe.errors).toBeUndefined();
    });
    const after = await orders.request<{ _entities: { status: string; statusHistory: { status: string }[] }[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { status statusHistory { status } } } }',
      { r: [{ __typename: 'Order', id }] },
      buyer,
    );
    expect(after.data?._entities).toEqual([{ status: 'CANCELLED', statusHistory: [{ status: 'PENDING' }, { status: 'CANCELLED' }] }]);
  });

  it('Query.orders lists every order newest first for an admin; no viewer is UNAUTHENTICATED, a shopper FORBIDDEN', async () => {
    const list = '{ orders(first: 2) { edges { node { id buyer { id } } } pageInfo { hasNextPage } } }';
    const other = { id: '00000000-0000-4000-8000-0000000000c3' };
    const newest = await orders.request<{ placeOrder: { id: string } }>(
      `mutation { placeOrder(input: { items: [{ productId: "${productId}", quantity: 1 }] }) { id } }`,
      undefined,
      other,
    );
    const admin = { id: '00000000-0000-4000-8000-0000000000a1', scope: 'customer admin' };
    const listed = await orders.request<{ orders: { edges: { node: { id: string; buyer: { id: string } } }[]; pageInfo: { hasNextPage: boolean } } }>(list, undefined, admin);
    expect(listed.data?.orders.edges[0]?.node).toEqual({ id: newest.data!.placeOrder.id, buyer: { id: other.id } });
    expect(listed.data?.orders.edges).toHaveLength(2);
    expect(listed.data?.orders.pageInfo.hasNextPage).toBe(true);

    const anonymous = await orders.request(list);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const shopper = await orders.request(list, undefined, buyer);
    expect(shopper.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(shopper.data ?? null).toBeNull();
  });
});

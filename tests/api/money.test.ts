import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { deadLetterTopicOf, topicOf } from '@commerce/kit/events/catalog';
import { asAdmin, signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { readMessages } from '../support/kafka.js';
import { router, run, unique } from '../support/run.js';
import { placeOrder, userFacts, waitForStatus } from '../support/shop.js';

const MAX_SAFE = '9007199254740991';
const CREATE = 'mutation($i: CreateProductInput!) { createProduct(input: $i) { id price { amountCents currency } } }';

/** The messages a topic holds, as offsets summed over its partitions. */
async function messageCount(topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'tests-money', brokers: run.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('money is exact end to end', () => {
  it('two confirmed orders of 1,500,000,000 cents: lifetimeSpend exact, orderCount 2, nothing dead-lettered', async () => {
    const deadLetters = deadLetterTopicOf(topicOf('orders', run.topicPrefix));
    const before = await messageCount(deadLetters);
    const [whale, product] = await Promise.all([signUp('Whale'), createProduct({ amountCents: 1_500_000_000, stock: 2 })]);
    const orders = [await placeOrder(whale, [{ productId: product.id, quantity: 1 }]), await placeOrder(whale, [{ productId: product.id, quantity: 1 }])];
    for (const id of orders) await waitForStatus(whale, id, 'CONFIRMED');

    await expect.poll(() => userFacts(whale), { timeout: 20_000 }).toMatchObject({ orderCount: 2, lifetimeSpend: { amountCents: '3000000000' } });
    const { order } = await whale.client.data<{ order: { total: { amountCents: string } } }>('query($id: ID!) { order(id: $id) { total { amountCents } } }', { id: orders[0] });
    expect(order.total.amountCents).toBe('1500000000');

    const after = await messageCount(deadLetters);
    if (after > before) {
      const entries = await readMessages(deadLetters, (seen) => seen.length >= after);
      expect(entries.filter((entry) => orders.some((id) => entry.value.includes(id)))).toEqual([]);
    }
  });

  it('round-trips 2^53 - 1 cents through the API, and refuses a price above it', async () => {
    const admin = await asAdmin();
    const { createProduct: created } = await admin.client.data<{ createProduct: { id: string; price: { amountCents: string; currency: string } } }>(CREATE, {
      i: { sku: unique('MAX-'), name: 'Priceless', description: '', price: { amountCents: MAX_SAFE }, stock: 1 },
    });
    expect(created.price).toEqual({ amountCents: MAX_SAFE, currency: 'USD' });
    const read = await router.data<{ product: { price: { amountCents: string } } }>('query($id: ID!) { product(id: $id) { price { amountCents } } }', { id: created.id });
    expect(read.product.price.amountCents).toBe(MAX_SAFE);

    const above = await admin.client.request(CREATE, { i: { sku: unique('MAX-'), name: 'Too much', description: '', price: { amountCents: '9007199254740992' }, stock: 1 } });
    expect(above.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.price.amountCents' });
  });

  it('refuses an order whose quantity times price passes 2^53 - 1 cents, before anything is stored', async () => {
    const [buyer, product] = await Promise.all([signUp('Overflow'), createProduct({ amountCents: 2 ** 52, stock: 5 })]);
    const result = await buyer.client.request('mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }', { i: { items: [{ productId: product.id, quantity: 2 }] } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.items' });
    expect((await buyer.client.data<{ me: { orders: { edges: unknown[] } } }>('{ me { orders { edges { cursor } } } }')).me.orders.edges).toEqual([]);
  });

  it('accepts only the documented wire format: a JSON number or another spelling is BAD_USER_INPUT, as variable or literal', async () => {
    const admin = await asAdmin();
    for (const amountCents of [100, '1e3', '+5', '007', ' 5', '12.50']) {
      const result = await admin.client.request(CREATE, { i: { sku: unique('WIRE-'), name: 'Wire', description: '', price: { amountCents }, stock: 1 } });
      expect(result.errors?.[0]?.extensions, String(amountCents)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.price.amountCents' });
    }
    const literal = await admin.client.request(`mutation { createProduct(input: { sku: "${unique('WIRE-')}", name: "Wire", description: "", price: { amountCents: 100 }, stock: 1 }) { id } }`);
    expect(literal.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.price.amountCents' });
  });
});

import { describe, expect, it } from 'vitest';
import { asAdmin, signUp, type Account } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { eventually, router } from '../support/run.js';
import { subgraphCalls } from '../support/subgraph-calls.js';

const PLACE = `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) {
  id status createdAt buyer { id name } total { amountCents currency }
  items { productName quantity unitPrice { amountCents currency } product { id name } } } }`;

type Order = {
  id: string;
  status: string;
  statusReason?: string | null;
  buyer: { id: string; name: string };
  total: { amountCents: string; currency: string };
  items: { productName: string; quantity: number; unitPrice: { amountCents: string }; product: { id: string } }[];
};

async function statusOf(account: Account, id: string): Promise<{ status: string; statusReason: string | null }> {
  const { order } = await account.client.data<{ order: { status: string; statusReason: string | null } }>(
    'query($id: ID!) { order(id: $id) { status statusReason } }',
    { id },
  );
  return order;
}

export async function settled(account: Account, id: string, expected: string) {
  return eventually(async () => {
    const order = await statusOf(account, id);
    expect(order.status).toBe(expected);
    return order;
  });
}

describe('orders through the router', () => {
  it('places an order with snapshots; the saga confirms it', async () => {
    const [buyer, mug, tea] = await Promise.all([signUp('Buyer'), createProduct({ amountCents: 1250, stock: 5 }), createProduct({ amountCents: 300, stock: 5 })]);
    const { placeOrder } = await buyer.client.data<{ placeOrder: Order }>(PLACE, {
      i: { items: [{ productId: mug.id, quantity: 2 }, { productId: tea.id, quantity: 1 }] },
    });
    expect(placeOrder).toMatchObject({
      status: 'PENDING',
      buyer: { id: buyer.id, name: 'Buyer' },
      total: { amountCents: '2800', currency: 'USD' },
      items: [
        { productName: mug.name, quantity: 2, unitPrice: { amountCents: '1250' }, product: { id: mug.id } },
        { productName: tea.name, quantity: 1, unitPrice: { amountCents: '300' }, product: { id: tea.id } },
      ],
    });
    await settled(buyer, placeOrder.id, 'CONFIRMED');
    const stock = await router.data<{ product: { stock: number } }>('query($id: ID!) { product(id: $id) { stock } }', { id: mug.id });
    expect(stock.product.stock).toBe(3);
  });

  it('rejects an order beyond stock and reserves nothing', async () => {
    const [buyer, scarce, plenty] = await Promise.all([signUp(), createProduct({ stock: 1 }), createProduct({ stock: 50 })]);
    const { placeOrder } = await buyer.client.data<{ placeOrder: Order }>(PLACE, {
      i: { items: [{ productId: plenty.id, quantity: 3 }, { productId: scarce.id, quantity: 2 }] },
    });
    const rejected = await settled(buyer, placeOrder.id, 'REJECTED');
    expect(rejected.statusReason).toMatch(/out of stock/);
    const { a, b } = await router.data<{ a: { stock: number }; b: { stock: number } }>(
      'query($a: ID!, $b: ID!) { a: product(id: $a) { stock } b: product(id: $b) { stock } }',
      { a: plenty.id, b: scarce.id },
    );
    expect([a.stock, b.stock]).toEqual([50, 1]);
  });

  it('cancels a confirmed order and releases its stock', async () => {
    const [buyer, product] = await Promise.all([signUp(), createProduct({ stock: 4 })]);
    const { placeOrder } = await buyer.client.data<{ placeOrder: Order }>(PLACE, { i: { items: [{ productId: product.id, quantity: 3 }] } });
    await settled(buyer, placeOrder.id, 'CONFIRMED');
    const { cancelOrder } = await buyer.client.data<{ cancelOrder: { status: string } }>('mutation($id: ID!) { cancelOrder(id: $id) { status } }', {
      id: placeOrder.id,
    });
    expect(cancelOrder.status).toBe('CANCELLED');
    await eventually(async () => {
      const { product: current } = await router.data<{ product: { stock: number } }>('query($id: ID!) { product(id: $id) { stock } }', { id: product.id });
      expect(current.stock).toBe(4);
    });
    const again = await buyer.client.request('mutation($id: ID!) { cancelOrder(id: $id) { status } }', { id: placeOrder.id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('shows orders to their buyer and admins only', async () => {
    const [buyer, stranger, product] = await Promise.all([signUp(), signUp(), createProduct()]);
    const { placeOrder } = await buyer.client.data<{ placeOrder: Order }>(PLACE, { i: { items: [{ productId: product.id, quantity: 1 }] } });

    const query = 'query($id: ID!) { order(id: $id) { id } }';
    const refused = await stranger.client.request(query, { id: placeOrder.id });
    expect(refused.data?.order ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const cancelRefused = await stranger.client.request('mutation($id: ID!) { cancelOrder(id: $id) { id } }', { id: placeOrder.id });
    expect(cancelRefused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const ordersOfBuyer = 'query($id: ID!) { user(id: $id) { name orders(first: 5) { edges { node { id } } } } }';
    const strangerView = await stranger.client.request<{ user: { name: string; orders: unknown } | null }>(ordersOfBuyer, { id: buyer.id });
    expect(strangerView.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(strangerView.data?.user?.orders ?? null).toBeNull();

    const admin = await asAdmin();
    const adminView = await admin.client.data<{ user: { orders: { edges: { node: { id: string } }[] } } }>(ordersOfBuyer, { id: buyer.id });
    expect(adminView.user.orders.edges.map((e) => e.node.id)).toEqual([placeOrder.id]);
    const mine = await buyer.client.data<{ me: { orders: { edges: { node: { id: string } }[] } } }>('{ me { orders(first: 5) { edges { node { id } } } } }');
    expect(mine.me.orders.edges.map((e) => e.node.id)).toEqual([placeOrder.id]);
  });

  it('validates order lines', async () => {
    const [buyer, product] = await Promise.all([signUp(), createProduct()]);
    const cases: [unknown, string, string][] = [
      [[], 'BAD_USER_INPUT', 'input.items'],
      [[{ productId: product.id, quantity: 0 }], 'BAD_USER_INPUT', 'input.items.0.quantity'],
      [[{ productId: product.id, quantity: 1 }, { productId: product.id, quantity: 2 }], 'BAD_USER_INPUT', 'input.items'],
      [[{ productId: 'x', quantity: 1 }], 'BAD_USER_INPUT', 'input.items.0.productId'],
    ];
    for (const [items, code, field] of cases) {
      const result = await buyer.client.request(PLACE, { i: { items } });
      expect(result.errors?.[0]?.extensions, field).toMatchObject({ code, field });
    }
    const inactive = await createProduct();
    const admin = await asAdmin();
    await admin.client.data('mutation($id: ID!) { updateProduct(id: $id, input: { active: false }) { id } }', { id: inactive.id });
    await eventually(async () => {
      const result = await buyer.client.request(PLACE, { i: { items: [{ productId: inactive.id, quantity: 1 }] } });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.items.0.productId' });
    });
  });

  it('needs a signed-in buyer', async () => {
    const product = await createProduct();
    const before = await subgraphCalls('orders');
    const result = await router.request(PLACE, { i: { items: [{ productId: product.id, quantity: 1 }] } });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(await subgraphCalls('orders')).toBe(before);
  });
});

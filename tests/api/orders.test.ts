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

// --- The admin's list of every order, and each order's status history (cancelled-while-pending is in the orders subgraph's own test) ---

const UNAUTHORIZED = { message: 'Unauthorized field or type', extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } };

const LIST = `query($first: Int, $after: String, $status: OrderStatus) {
  orders(first: $first, after: $after, status: $status) {
    edges { cursor node { id status buyer { id } statusHistory { status at } } }
    pageInfo { hasNextPage endCursor }
  } }`;

interface Listed {
  id: string;
  status: string;
  buyer: { id: string };
  statusHistory: { status: string; at: string }[];
}
type Page = { orders: { edges: { cursor: string; node: Listed }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

async function place(buyer: Account, productId: string, quantity: number): Promise<string> {
  const { placeOrder } = await buyer.client.data<{ placeOrder: { id: string } }>('mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }', {
    i: { items: [{ productId, quantity }] },
  });
  return placeOrder.id;
}

const cancel = (buyer: Account, id: string) => buyer.client.data('mutation($id: ID!) { cancelOrder(id: $id) { id } }', { id });

async function historyOf(account: Account, id: string) {
  const { order } = await account.client.data<{ order: { status: string; createdAt: string; statusHistory: { status: string; at: string }[] } }>(
    'query($id: ID!) { order(id: $id) { status createdAt statusHistory { status at } } }',
    { id },
  );
  return order;
}

describe('Query.orders: every order, for admins', () => {
  it('lists every buyer’s orders newest first, in pages, and filtered by status', async () => {
    const [ann, bob, product, scarce] = await Promise.all([signUp('Ann'), signUp('Bob'), createProduct({ stock: 50 }), createProduct({ stock: 1 })]);
    const first = await place(ann, product.id, 1);
    const second = await place(bob, scarce.id, 5); // beyond stock: REJECTED
    const third = await place(ann, product.id, 2);
    await Promise.all([settled(ann, first, 'CONFIRMED'), settled(bob, second, 'REJECTED'), settled(ann, third, 'CONFIRMED')]);
    await cancel(ann, first);

    const admin = await asAdmin();
    const top = await admin.client.data<Page>(LIST, { first: 2 });
    expect(top.orders.edges.map((edge) => edge.node.id)).toEqual([third, second]);
    expect(top.orders.edges.map((edge) => edge.node.buyer.id)).toEqual([ann.id, bob.id]);
    expect(top.orders.pageInfo).toMatchObject({ hasNextPage: true, endCursor: top.orders.edges[1]?.cursor });
    const next = await admin.client.data<Page>(LIST, { first: 2, after: top.orders.pageInfo.endCursor });
    expect(next.orders.edges[0]?.node).toMatchObject({ id: first, status: 'CANCELLED' });

    // The filter keeps only orders whose current status is the one asked for, still newest first.
    const rejected = await admin.client.data<Page>(LIST, { first: 100, status: 'REJECTED' });
    expect(rejected.orders.edges.every((edge) => edge.node.status === 'REJECTED')).toBe(true);
    const rejectedIds = rejected.orders.edges.map((edge) => edge.node.id);
    expect(rejectedIds).toContain(second);
    expect(rejectedIds).not.toContain(first);
    expect(rejectedIds).not.toContain(third);
    const confirmed = await admin.client.data<Page>(LIST, { first: 1, status: 'CONFIRMED' });
    expect(confirmed.orders.edges.map((edge) => edge.node.id)).toEqual([third]);
    // A cursor continues the filtered list it came from.
    const after = await admin.client.data<Page>(LIST, { first: 100, status: 'CONFIRMED', after: confirmed.orders.pageInfo.endCursor });
    expect(after.orders.edges.map((edge) => edge.node.id)).not.toContain(third);
    expect(after.orders.edges.every((edge) => edge.node.status === 'CONFIRMED')).toBe(true);
  });

  it('refuses bad page arguments with BAD_USER_INPUT', async () => {
    const admin = await asAdmin();
    for (const [variables, field] of [
      [{ first: 101 }, 'first'],
      [{ first: 1, after: 'not-a-cursor' }, 'after'],
    ] as const) {
      const result = await admin.client.request(LIST, variables);
      expect(result.errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // A negative page size is refused too (by the router's demand control, before the subgraph).
    expect((await admin.client.request(LIST, { first: -1 })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badStatus = await admin.client.request(LIST, { first: 1, status: 'SHIPPED' });
    expect(badStatus.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });

  it('anonymous callers and shoppers are refused at the router; the orders subgraph is never asked', async () => {
    const shopper = await signUp();
    for (const [who, client] of [
      ['anonymous', router],
      ['shopper', shopper.client],
    ] as const) {
      const before = await subgraphCalls('orders');
      const result = await client.request(LIST, { first: 5 });
      expect(result.status, who).toBe(200);
      // `orders` is non-null, so the null propagates to `data`.
      expect(result.data, who).toBeNull();
      expect(result.errors, who).toEqual([{ ...UNAUTHORIZED, path: ['orders'] }]);
      expect(await subgraphCalls('orders'), who).toBe(before);
    }
  });
});

describe('Order.statusHistory', () => {
  const statuses = (history: { status: string }[]) => history.map((change) => change.status);
  const inOrder = (history: { at: string }[]) => history.every((change, index) => index === 0 || change.at >= (history[index - 1]?.at ?? ''));

  it('dates every status the saga and the buyer set: confirmed, rejected, cancelled after confirming', async () => {
    const [buyer, product, scarce] = await Promise.all([signUp(), createProduct({ stock: 50 }), createProduct({ stock: 1 })]);
    const confirmed = await place(buyer, product.id, 1);
    const rejected = await place(buyer, scarce.id, 3);
    await settled(buyer, confirmed, 'CONFIRMED');
    await settled(buyer, rejected, 'REJECTED');

    const placedThenConfirmed = await historyOf(buyer, confirmed);
    expect(statuses(placedThenConfirmed.statusHistory)).toEqual(['PENDING', 'CONFIRMED']);
    expect(placedThenConfirmed.statusHistory[0]?.at).toBe(placedThenConfirmed.createdAt);
    expect(inOrder(placedThenConfirmed.statusHistory)).toBe(true);
    expect(statuses((await historyOf(buyer, rejected)).statusHistory)).toEqual(['PENDING', 'REJECTED']);

    await cancel(buyer, confirmed);
    const cancelled = await historyOf(buyer, confirmed);
    expect(statuses(cancelled.statusHistory)).toEqual(['PENDING', 'CONFIRMED', 'CANCELLED']);
    expect(cancelled.statusHistory.slice(0, 2)).toEqual(placedThenConfirmed.statusHistory);
    expect(inOrder(cancelled.statusHistory)).toBe(true);
    expect(Date.parse(cancelled.statusHistory[2]?.at ?? '')).toBeLessThanOrEqual(Date.now() + 60_000);

    // The admin sees the same history in the list.
    const admin = await asAdmin();
    const listed = await admin.client.data<Page>(LIST, { first: 10, status: 'CANCELLED' });
    expect(listed.orders.edges.find((edge) => edge.node.id === confirmed)?.node.statusHistory).toEqual(cancelled.statusHistory);
  });
});

/**
 * The data the gateway benchmark reads, written through the router like any client would: 120
 * products (so lists of 10 and 100 are full), 30 shoppers who each review some of them (3 reviews per
 * product, each by a different author), and one buyer with 5 confirmed orders of 3 items.
 */
import { GraphQLClient } from '@commerce/stack/client';

export interface BenchData {
  /** A bearer token of the buyer, for `me`. */
  buyerToken: string;
  /** A product to read by SKU. */
  sku: string;
}

const PRODUCTS = 120;
const SHOPPERS = 30;
const REVIEWS_PER_PRODUCT = 3;

export async function seedBenchData(routerUrl: string, say: (line: string) => void): Promise<BenchData> {
  const anonymous = new GraphQLClient(routerUrl);
  const { logIn } = await anonymous.data<{ logIn: { token: string } }>(
    'mutation { logIn(email: "admin@example.com", password: "admin-password") { token } }',
  );
  const admin = anonymous.withToken(logIn.token);

  say(`seeding ${PRODUCTS} products, ${SHOPPERS} shoppers, ${PRODUCTS * REVIEWS_PER_PRODUCT} reviews, 5 orders`);
  const products = await inBatches(Array.from({ length: PRODUCTS }, (_, i) => i), async (i) => {
    const { createProduct } = await admin.data<{ createProduct: { id: string; sku: string } }>(
      'mutation($i: CreateProductInput!) { createProduct(input: $i) { id sku } }',
      { i: { sku: `BENCH-${String(i).padStart(3, '0')}`, name: `Bench product ${i}`, description: `Product number ${i} of the benchmark catalog.`, price: { amountCents: String(500 + i * 7) }, stock: 1_000_000 } },
    );
    return createProduct;
  });
  const tokens = await inBatches(Array.from({ length: SHOPPERS }, (_, i) => i), async (i) => {
    const { signUp } = await anonymous.data<{ signUp: { token: string } }>(
      'mutation($i: SignUpInput!) { signUp(input: $i) { token } }',
      { i: { email: `shopper-${i}@bench.example`, name: `Shopper ${i}`, password: 'benchmark password' } },
    );
    return signUp.token;
  });
  const shoppers = tokens.map((token) => anonymous.withToken(token));

  // The reviews and orders services learn of products from events: wait until the last one arrived.
  const reviews = products.flatMap((product, p) =>
    Array.from({ length: REVIEWS_PER_PRODUCT }, (_, r) => ({ product, shopper: shoppers[(p * REVIEWS_PER_PRODUCT + r) % SHOPPERS]!, rating: ((p + r) % 5) + 1 })),
  );
  const last = reviews.pop()!;
  await until(async () => (await last.shopper.request('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', { i: { productId: last.product.id, rating: last.rating, body: 'Last one.' } })).errors === undefined);
  await inBatches(reviews, ({ product, shopper, rating }) =>
    shopper.data('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', { i: { productId: product.id, rating, body: `Rated ${rating} of 5.` } }),
  );

  const buyer = shoppers[0]!;
  const orders: string[] = [];
  for (let o = 0; o < 5; o += 1) {
    const items = [0, 1, 2].map((k) => ({ productId: products[(o * 3 + k) % PRODUCTS]!.id, quantity: k + 1 }));
    const placed = await until(async () => {
      const result = await buyer.request<{ placeOrder: { id: string } }>('mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }', { i: { items } });
      return result.data?.placeOrder.id;
    });
    orders.push(placed);
  }
  await until(async () => {
    const { me } = await buyer.data<{ me: { orders: { edges: { node: { status: string } }[] } } }>('{ me { orders(first: 5) { edges { node { status } } } } }');
    return me.orders.edges.every((edge) => edge.node.status === 'CONFIRMED') || undefined;
  });
  return { buyerToken: tokens[0]!, sku: products[7]!.sku };
}

async function inBatches<T, R>(items: T[], work: (item: T) => Promise<R>, size = 8): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

async function until<T>(attempt: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('bench data: timed out waiting for the services');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

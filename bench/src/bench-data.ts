/**
 * The data the gateway benchmark reads, written through the router like any client would: 120
 * products, a pool of reader accounts that
 * each review products (10 reviews per product, each by a different author) and own 2 confirmed orders
 * of 2 items, and a pool of writer accounts for the placeOrder scenario (kept apart, so the readers'
 * orders — what `me { orders }` shows — stay the same for every gateway), who buy 40 products of their
 * own with generous stock (the write scenario must never run out; created first, so the newest-first
 * lists the reads take their stock from never reach them, and every gateway reads the same stock).
 * Tokens come from the router's own `signUp`, as a client gets them.
 */
import { GraphQLClient } from '@commerce/stack/client';
import { ORDERINGS, type ScenarioData } from './scenarios.js';

export interface BenchData extends ScenarioData {
  /** Bearer token of the seeded admin (scope `admin`), for the invalidation-lag phase's price changes. */
  adminToken: string;
  /** Bearer tokens of the reader accounts. */
  readerTokens: string[];
  /** Bearer tokens of the writer accounts. */
  writerTokens: string[];
}

const PRODUCTS = 120;
const WRITE_PRODUCTS = 40;
const READERS = 128;
const WRITERS = 64;
const REVIEWS_PER_PRODUCT = 10;
const ORDERS_PER_READER = 2;
const STOCK = 1_000_000;

export async function seedBenchData(routerUrl: string, say: (line: string) => void): Promise<BenchData> {
  const anonymous = new GraphQLClient(routerUrl);
  const { logIn } = await anonymous.data<{ logIn: { token: string } }>(
    'mutation { logIn(email: "admin@example.com", password: "admin-password") { token } }',
  );
  const admin = anonymous.withToken(logIn.token);

  say(`seeding ${PRODUCTS} products, ${READERS} readers and ${WRITERS} writers, ${PRODUCTS * REVIEWS_PER_PRODUCT} reviews, ${READERS * ORDERS_PER_READER} orders`);
  const createProduct = (prefix: string) => async (i: number) => {
    const { createProduct: created } = await admin.data<{ createProduct: { id: string; sku: string } }>(
      'mutation($i: CreateProductInput!) { createProduct(input: $i) { id sku } }',
      { i: { sku: `${prefix}-${String(i).padStart(3, '0')}`, name: `Bench product ${prefix}-${i}`, description: `Product number ${i} of the benchmark catalog.`, price: { amountCents: String(500 + ((i * 37) % 120) * 7) }, stock: STOCK } },
    );
    return created;
  };
  const writeProducts = await inBatches(Array.from({ length: WRITE_PRODUCTS }, (_, i) => i), createProduct('BENCH-W'));
  const products = await inBatches(Array.from({ length: PRODUCTS }, (_, i) => i), createProduct('BENCH'));
  // On a loaded machine the router may time out a signUp (password hashing) that the users service
  // then completes: tried again (up to 8 times, a second apart), each retry first logging the account
  // in, in case it exists. Four at a time: the hashing is what times out.
  const signUp = (kind: string) => async (i: number) => {
    const email = `${kind}-${i}@bench.example`;
    for (let tries = 1; ; tries += 1) {
      if (tries > 1) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const existing = await anonymous.request<{ logIn: { token: string } }>('mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }', { e: email, p: 'benchmark password' });
        if (existing.data?.logIn) return existing.data.logIn.token;
      }
      try {
        const result = await anonymous.data<{ signUp: { token: string } }>('mutation($i: SignUpInput!) { signUp(input: $i) { token } }', {
          i: { email, name: `${kind === 'reader' ? 'Reader' : 'Writer'} ${i}`, password: 'benchmark password' },
        });
        return result.signUp.token;
      } catch (error) {
        if (tries >= 8 || !/GATEWAY_TIMEOUT|already registered/.test((error as Error).message)) throw error;
      }
    }
  };
  const readerTokens = await inBatches(Array.from({ length: READERS }, (_, i) => i), signUp('reader'), 4);
  const writerTokens = await inBatches(Array.from({ length: WRITERS }, (_, i) => i), signUp('writer'), 4);
  const readers = readerTokens.map((token) => anonymous.withToken(token));

  // The reviews and orders services learn of products from events: wait until the last one arrived.
  const reviews = products.flatMap((product, p) =>
    Array.from({ length: REVIEWS_PER_PRODUCT }, (_, r) => ({ product, reader: readers[(p * REVIEWS_PER_PRODUCT + r) % READERS]!, rating: ((p + r) % 5) + 1 })),
  );
  const last = reviews.pop()!;
  await until(async () => (await last.reader.request('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', { i: { productId: last.product.id, rating: last.rating, body: 'Last one.' } })).errors === undefined);
  await inBatches(reviews, ({ product, reader, rating }) =>
    reader.data('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', { i: { productId: product.id, rating, body: `Rated ${rating} of 5.` } }),
  );

  const placeOrder = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }';
  const lastProduct = products.at(-1)!;
  await until(async () => (await readers[0]!.request<{ placeOrder: { id: string } }>(placeOrder, { i: { items: [{ productId: lastProduct.id, quantity: 1 }] } })).data?.placeOrder.id);
  const orders = readers.flatMap((reader, r) =>
    Array.from({ length: ORDERS_PER_READER - (r === 0 ? 1 : 0) }, (_, o) => ({
      reader,
      items: [0, 1].map((k) => ({ productId: products[(r * 5 + o * 2 + k) % PRODUCTS]!.id, quantity: k + 1 })),
    })),
  );
  await inBatches(orders, ({ reader, items }) => reader.data(placeOrder, { i: { items } }));
  say('waiting for every seeded order to be CONFIRMED');
  await inBatches(readers, (reader) =>
    until(async () => {
      const { me } = await reader.data<{ me: { orders: { edges: { node: { status: string } }[] } } }>('{ me { orders(first: 5) { edges { node { status } } } } }');
      return (me.orders.edges.length === ORDERS_PER_READER && me.orders.edges.every((edge) => edge.node.status === 'CONFIRMED')) || undefined;
    }),
  );

  const pages: ScenarioData['pages'] = [];
  for (const orderBy of ORDERINGS) {
    let after: string | null = null;
    for (;;) {
      pages.push({ orderBy, after });
      const answer: { products: { pageInfo: { endCursor: string | null; hasNextPage: boolean } } } = await anonymous.data(
        'query($after: String, $orderBy: ProductOrder) { products(first: 10, after: $after, orderBy: $orderBy) { pageInfo { endCursor hasNextPage } } }',
        { after, orderBy },
      );
      const page = answer.products;
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
      after = page.pageInfo.endCursor;
    }
  }
  return {
    adminToken: logIn.token,
    readerTokens,
    writerTokens,
    readers: READERS,
    writers: WRITERS,
    skus: products.map((product) => product.sku),
    productIds: writeProducts.map((product) => product.id),
    pages,
  };
}

/**
 * Runs `work` over the items, `size` at a time. On a loaded machine a subgraph may answer a write
 * with an internal error when its transaction cannot start in time (nothing written): such an item is
 * tried again, up to 5 times.
 */
async function inBatches<T, R>(items: T[], work: (item: T) => Promise<R>, size = 8): Promise<R[]> {
  const attempt = async (item: T): Promise<R> => {
    for (let tries = 1; ; tries += 1) {
      try {
        return await work(item);
      } catch (error) {
        if (tries >= 5 || !/INTERNAL_SERVER_ERROR/.test((error as Error).message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * tries));
      }
    }
  };
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(attempt))));
  return results;
}

async function until<T>(attempt: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('bench data: timed out waiting for the services');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `npm run bench:event-lag`: how long after `addReview` commits does `Product.averageRating` show it
 * through the router? The path: reviews outbox → relay → Kafka → products consumer → products
 * database → router. Reviews are written one at a time (each to a fresh product) and the product is
 * polled every few milliseconds from the moment the mutation answered.
 *
 * REVIEWS (default 200) sets the sample size; ROUTER_URL measures a running stack instead.
 */
import { randomUUID } from 'node:crypto';
import { parseCommand } from '@commerce/kit/cli';
import { GraphQLClient } from '@commerce/stack/client';
import { benchStack, percentile } from './bench-stack.js';

parseCommand({
  command: 'npm run bench:event-lag',
  summary: "Measures how long after addReview commits Product.averageRating shows it through the router (outbox, relay, Kafka, consumer).",
  options: {},
  environment: [
    ['REVIEWS', 'sample size (default 200)'],
    ['ROUTER_URL', 'measure a running stack instead of starting one'],
    ['DATABASE_URL', 'the PostgreSQL server for the bench databases (default postgresql://postgres@127.0.0.1:5432/postgres)'],
    ['KAFKA_BROKERS', 'a broker to use instead of starting one'],
  ],
  exitCodes: { 1: 'the stack did not start, or a review never showed' },
});

const say = (line: string) => process.stdout.write(`[event-lag] ${line}\n`);
const REVIEWS = Number(process.env.REVIEWS ?? 200);

async function main(): Promise<void> {
  const bench = await benchStack(say);
  try {
    const router = new GraphQLClient(bench.routerUrl);
    const { logIn } = await router.data<{ logIn: { token: string } }>(
      'mutation { logIn(email: "admin@example.com", password: "admin-password") { token } }',
    );
    const admin = router.withToken(logIn.token);
    const { signUp } = await router.data<{ signUp: { token: string } }>(
      'mutation($i: SignUpInput!) { signUp(input: $i) { token } }',
      { i: { email: `lag-${randomUUID()}@example.test`, name: 'Lag', password: 'benchmark password' } },
    );
    const reviewer = router.withToken(signUp.token);

    say(`creating ${REVIEWS + 1} products`);
    const products: string[] = [];
    for (let i = 0; i <= REVIEWS; i += 1) {
      const { createProduct } = await admin.data<{ createProduct: { id: string } }>(
        'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }',
        { i: { sku: `LAG-${randomUUID().slice(0, 8)}`, name: `Lag ${i}`, description: '', price: { amountCents: '100' }, stock: 1 } },
      );
      products.push(createProduct.id);
    }
    // The reviews service must know the last product before timing starts.
    await pollUntil(async () => (await reviewer.request('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', {
      i: { productId: products.pop()!, rating: 3, body: 'warm-up' },
    })).errors === undefined);

    say(`writing ${products.length} reviews, one at a time`);
    const lags: number[] = [];
    for (const [index, productId] of products.entries()) {
      await reviewer.data('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', {
        i: { productId, rating: (index % 5) + 1, body: 'timed' },
      });
      const committed = performance.now();
      await pollUntil(async () => {
        const { product } = await router.data<{ product: { averageRating: number | null } }>(
          'query($id: ID!) { product(id: $id) { averageRating } }',
          { id: productId },
        );
        return product.averageRating !== null;
      });
      lags.push(performance.now() - committed);
    }
    lags.sort((a, b) => a - b);
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    say(`event lag over ${lags.length} reviews (addReview committed -> averageRating visible through the router):`);
    say(`  p50 ${ms(percentile(lags, 50))}   p90 ${ms(percentile(lags, 90))}   p99 ${ms(percentile(lags, 99))}   max ${ms(lags.at(-1)!)}`);
    say(`  goal: p99 <= 500 ms -> ${percentile(lags, 99) <= 500 ? 'met' : 'NOT met'}`);
  } finally {
    await bench.stop();
  }
}

async function pollUntil(done: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[event-lag] ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

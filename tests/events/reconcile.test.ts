import { spawn } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@commerce/stack/paths';
import { asAdmin, signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { eventually, run } from '../support/run.js';
import { addReview, placeOrder, productFacts, userFacts, waitForStatus } from '../support/shop.js';

function reconcile(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/local/src/reconcile-cli.ts', ...args], {
      cwd: repoRoot,
      env: {
        ...process.env,
        USERS_DATABASE_URL: run.databaseUrls.users,
        PRODUCTS_DATABASE_URL: run.databaseUrls.products,
        REVIEWS_DATABASE_URL: run.databaseUrls.reviews,
        ORDERS_DATABASE_URL: run.databaseUrls.orders,
        KAFKA_BROKERS: run.brokers.join(','),
        KAFKA_TOPIC_PREFIX: run.topicPrefix,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

async function sql(service: keyof typeof run.databaseUrls, query: string, values: unknown[]) {
  const client = new pg.Client({ connectionString: run.databaseUrls[service] });
  await client.connect();
  try {
    await client.query(query, values);
  } finally {
    await client.end();
  }
}

describe('npm run reconcile', () => {
  it('finds drift introduced behind the services\' backs, and fixes it with --fix', async () => {
    const [buyer, product] = await Promise.all([signUp(), createProduct({ amountCents: 2000 })]);
    await addReview(buyer, product.id, 5);
    const order = await placeOrder(buyer, [{ productId: product.id, quantity: 1 }]);
    await waitForStatus(buyer, order, 'CONFIRMED');
    await eventually(async () => expect(await userFacts(buyer)).toMatchObject({ orderCount: 1, reviewCount: 1 }));
    await eventually(async () => expect((await reconcile()).code).toBe(0), { timeoutMs: 30_000, intervalMs: 1000 });

    await sql('products', 'UPDATE products SET review_count = 9, rating_sum = 11, average_rating = 1.2 WHERE id = $1', [product.id]);
    await sql('users', 'UPDATE users SET order_count = 42, lifetime_spend_cents = 1 WHERE id = $1', [buyer.id]);
    await sql('orders', 'DELETE FROM catalog_products WHERE id = $1', [product.id]);
    await sql('reviews', 'DELETE FROM purchases WHERE order_id = $1', [order]);

    const dry = await reconcile();
    expect(dry.code).toBe(3);
    for (const field of ['Product.reviewCount', 'Product.averageRating', 'User.orderCount', 'User.lifetimeSpend', 'orders: catalog replica', 'Review.verifiedPurchase']) {
      expect(dry.output).toMatch(new RegExp(`${field.replace(/[.()]/g, '\\$&')}.*\\b1 drifted`));
    }
    expect(dry.output).toContain(`${product.id}: 9 -> 1`);
    expect(dry.output).toContain(`${buyer.id}: 42 -> 1`);
    expect(await productFacts(product.id)).toMatchObject({ reviewCount: 9 });

    const fixed = await reconcile('--fix');
    expect(fixed.code).toBe(0);
    expect(fixed.output).toMatch(/Fixed \d+ value/);
    // The fixes bypass the events, so the router's entity cache still holds the drifted values until the
    // operator purges the types reconcile names (the runbook step its output gives).
    for (const type of ['Product', 'Review', 'User']) expect(fixed.output).toContain(`POST /admin/entity-cache/purge {"type":"${type}"}`);
    const admin = await asAdmin();
    for (const type of ['Product', 'User']) {
      const purged = await fetch(new URL('/admin/entity-cache/purge', run.routerUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({ type }),
      });
      expect(purged.status).toBe(200);
    }
    expect(await productFacts(product.id)).toMatchObject({ reviewCount: 1, averageRating: 5 });
    expect(await userFacts(buyer)).toMatchObject({ orderCount: 1, lifetimeSpend: { amountCents: '2000' } });
    const again = await reconcile();
    expect(again.output).toContain('No drift.');
    expect(again.code).toBe(0);
  }, 120_000);
});

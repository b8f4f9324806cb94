/**
 * kill -9 under writes. A stack of its own (databases, topic prefix, broker; supervised as `npm start`
 * supervises it) takes a stream of orders from several shoppers, reviews and price changes, while each
 * subgraph, the router and the broker is killed in turn at a random moment. After each victim is back,
 * every write that returned success is durable; at the end, every order left PENDING, stock equals the
 * initial stock minus the confirmed quantities, reconcile finds no drift, and every event was applied
 * exactly once by each group that handles its type. Recovery times and counts are printed.
 */
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { cloneTemplate } from '@commerce/kit/testing';
import { GraphQLClient } from '@commerce/stack/client';
import { dataDir } from '@commerce/stack/paths';
import { dropDatabases, serviceDatabaseNames } from '@commerce/stack/postgres';
import { freePort, freeStackPorts } from '@commerce/stack/ports';
import { answersOk, shownPath, type SupervisedProcess } from '@commerce/stack/processes';
import { eventsInFlight, reconcile, type Pools } from '@commerce/stack/reconcile';
import { startStack, type Stack } from '@commerce/stack/stack';
import { eventually, metricValue, run } from '../support/run.js';

const SUITE = 'crash';
const STACK_PREFIX = `${run.databasePrefix}_${SUITE}`;
const ADMIN = { email: 'crash-admin@example.test', password: 'crash-admin-password' };
const TOPIC_PREFIX = `${SUITE}-${Date.now().toString(36)}.`;
const INITIAL_STOCK = 120;
const PRODUCTS = 6;

type Victim = ServiceName | 'router' | 'kafka';
const VICTIMS: Victim[] = [...SERVICES, 'router', 'kafka'];

interface Shopper {
  id: string;
  client: GraphQLClient;
  reviewed: Set<string>;
}

interface Writes {
  orders: { id: string; at: number }[];
  reviews: string[];
  /** Successful price changes, in order, per product; `attempted` also holds those whose answer was lost. */
  prices: Map<string, { succeeded: string[]; attempted: string[] }>;
  failed: number;
}

let stack: Stack;
let pools: Pools;
const report: string[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

beforeAll(async () => {
  await Promise.all(SERVICES.map((service) => cloneTemplate(run, service, SUITE)));
  stack = await startStack({
    serverUrl: run.serverUrl,
    databasePrefix: STACK_PREFIX,
    migrate: false, // clones of the run's migrated templates
    broker: { dataDir: path.join(dataDir, `${SUITE}-kafka`), port: await freePort(), controllerPort: await freePort(), fresh: true },
    topicPrefix: TOPIC_PREFIX,
    host: '127.0.0.1',
    ports: await freeStackPorts(),
    metricsPorts: await freeStackPorts(),
    logsDir: path.join(dataDir, 'test-logs', SUITE),
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      JWT_KEY_DIR: path.join(dataDir, `${SUITE}-jwt`),
      OUTBOX_POLL_MS: '200',
      RATE_LIMIT_MAX: '1000000',
    },
    report: (line) => report.push(line),
  });
  pools = Object.fromEntries(
    SERVICES.map((service) => {
      const pool = new pg.Pool({ connectionString: stack.databaseUrls[service], max: 2 });
      // An idle connection the server closed is replaced on next use; a failing query still fails its caller.
      pool.on('error', () => undefined);
      return [service, pool];
    }),
  ) as Pools;
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all(Object.values(pools ?? {}).map((pool) => pool.end()));
  await dropDatabases(run.serverUrl, Object.values(serviceDatabaseNames(STACK_PREFIX)));
});

async function rows<T>(service: ServiceName, query: string, values: unknown[] = []): Promise<T[]> {
  return (await pools[service].query(query, values)).rows as T[];
}

/** The stack's process for a victim (the broker's JVM for 'kafka'). */
function processOf(victim: Victim): SupervisedProcess {
  if (victim === 'kafka') return stack.broker!.process;
  return stack.processes.find((p) => p.name === victim)!;
}

function healthUrl(victim: Exclude<Victim, 'kafka'>, probe: 'health' | 'ready'): string {
  const graphql = victim === 'router' ? stack.routerUrl : stack.subgraphUrls[victim];
  return new URL(`/${probe}`, graphql).toString();
}

/** Whether the victim serves again: /ready answers 200 (the broker: a client can list its topics). */
async function isBack(victim: Victim): Promise<boolean> {
  if (victim !== 'kafka') return answersOk(healthUrl(victim, 'ready'));
  const admin = new Kafka({ clientId: 'crash-test', brokers: stack.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

describe('kill -9 of each process under a stream of writes', () => {
  it('loses no acknowledged write, leaves no order PENDING, keeps stock and every denormalized field exact', async () => {
    const admin = new GraphQLClient(stack.routerUrl).withToken(
      (await new GraphQLClient(stack.routerUrl).data<{ logIn: { token: string } }>(
        'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }',
        { e: ADMIN.email, p: ADMIN.password },
      )).logIn.token,
    );
    const products: string[] = [];
    for (let i = 0; i < PRODUCTS; i += 1) {
      const { createProduct } = await admin.data<{ createProduct: { id: string } }>(
        'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }',
        { i: { sku: `CRASH-${Date.now()}-${i}`, name: `Crash ${i}`, description: 'kill -9 fodder', price: { amountCents: String(500 + i) }, stock: INITIAL_STOCK } },
      );
      products.push(createProduct.id);
    }
    const shoppers: Shopper[] = [];
    for (let i = 0; i < 4; i += 1) {
      const { signUp } = await new GraphQLClient(stack.routerUrl).data<{ signUp: { token: string; user: { id: string } } }>(
        'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }',
        { i: { email: `crash-${Date.now()}-${i}@example.test`, name: `Crash shopper ${i}`, password: 'correct horse battery' } },
      );
      shoppers.push({ id: signUp.user.id, client: new GraphQLClient(stack.routerUrl).withToken(signUp.token), reviewed: new Set() });
    }
    // Every product is in the orders service's catalog replica before the first order.
    await eventually(async () => expect((await rows('orders', 'SELECT id FROM catalog_products')).length).toBe(PRODUCTS), { timeoutMs: 30_000 });

    const writes: Writes = { orders: [], reviews: [], prices: new Map(products.map((id) => [id, { succeeded: [], attempted: [] }])), failed: 0 };
    let writing = true;
    const attempt = async (write: () => Promise<void>) => {
      try {
        await write();
      } catch {
        writes.failed += 1;
        await sleep(200);
      }
    };
    const shopperLane = async (shopper: Shopper) => {
      for (let round = 0; writing; round += 1) {
        await attempt(async () => {
          const items = [{ productId: products[randomInt(PRODUCTS)]!, quantity: randomInt(1, 4) }];
          const { placeOrder } = await shopper.client.data<{ placeOrder: { id: string } }>('mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }', { i: { items } });
          writes.orders.push({ id: placeOrder.id, at: Date.now() });
        });
        const unreviewed = products.find((id) => !shopper.reviewed.has(id));
        if (round % 3 === 0 && unreviewed) {
          await attempt(async () => {
            const { addReview } = await shopper.client.data<{ addReview: { id: string } }>('mutation($i: AddReviewInput!) { addReview(input: $i) { id } }', {
              i: { productId: unreviewed, rating: randomInt(1, 6), body: 'survived a crash' },
            });
            shopper.reviewed.add(unreviewed);
            writes.reviews.push(addReview.id);
          });
        }
        await sleep(150);
      }
    };
    const priceLane = async () => {
      while (writing) {
        const product = products[randomInt(PRODUCTS)]!;
        const cents = String(randomInt(100, 5000));
        const changes = writes.prices.get(product)!;
        changes.attempted.push(cents);
        await attempt(async () => {
          await admin.data('mutation($id: ID!, $c: Cents!) { updateProduct(id: $id, input: { price: { amountCents: $c } }) { id } }', { id: product, c: cents });
          changes.succeeded.push(cents);
        });
        await sleep(300);
      }
    };
    // Reads through every subgraph, so the router's breakers see each outage.
    const readLane = async () => {
      while (writing) {
        await new GraphQLClient(stack.routerUrl)
          .request(`{ products(first: ${PRODUCTS}) { edges { node { id stock reviews(first: 2) { edges { node { rating author { name } } } } } } } }`)
          .catch(() => undefined);
        await shoppers[0]!.client.request('{ me { orderCount orders(first: 1) { edges { node { id } } } } }').catch(() => undefined);
        await sleep(100);
      }
    };
    const lanes = [...shoppers.map(shopperLane), priceLane(), readLane()];

    const recovery: { victim: Victim; killToReadyMs: number; writesDuringOutage: number }[] = [];
    const routerMetrics = stack.metricsUrls.router;
    for (const victim of VICTIMS) {
      await sleep(randomInt(1_000, 4_000));
      const managed = processOf(victim);
      const { pid, restarts } = managed;
      const startedBefore = victim === 'kafka' ? 0 : await metricValue(stack.metricsUrls[victim], 'process_start_time_seconds');
      const succeededBefore = writes.orders.length + writes.reviews.length;
      process.kill(pid, 'SIGKILL');
      const killedAt = Date.now();

      // Readiness tells the truth during the outage.
      let breakerOpened = false;
      let seenDown = false;
      while (!(seenDown && (await isBack(victim)) && managed.pid !== pid)) {
        if (!seenDown) seenDown = victim === 'kafka' ? !(await isBack('kafka')) : !(await answersOk(healthUrl(victim, 'health')));
        if (victim !== 'kafka' && victim !== 'router') breakerOpened ||= (await metricValue(routerMetrics, 'subgraph_circuit_state', { subgraph: victim })) === 2;
        if (Date.now() - killedAt > 90_000) throw new Error(`${victim} was not back 90 s after kill -9; see ${managed.logFile}`);
        await sleep(100);
      }
      const killToReadyMs = Date.now() - killedAt;
      recovery.push({ victim, killToReadyMs, writesDuringOutage: writes.orders.length + writes.reviews.length - succeededBefore });

      expect(seenDown).toBe(true);
      expect(managed.restarts).toBe(restarts + 1);
      expect(report.some((line) => line.startsWith(`${victim} exited unexpectedly (signal SIGKILL)`) && line.includes(shownPath(managed.logFile)))).toBe(true);
      if (victim !== 'kafka') {
        // The process's own metrics show the restart.
        expect(await metricValue(stack.metricsUrls[victim], 'process_start_time_seconds')).toBeGreaterThan(startedBefore);
      }
      if (victim !== 'kafka' && victim !== 'router') {
        // The router failed fast while the subgraph was away, and closes its breaker once it is back.
        expect(breakerOpened).toBe(true);
        await eventually(async () => expect(await metricValue(routerMetrics, 'subgraph_circuit_state', { subgraph: victim })).toBe(0), { timeoutMs: 20_000, intervalMs: 250 });
      }
      expect(await answersOk(healthUrl('router', 'ready'))).toBe(true);

      // Every write acknowledged so far is durable.
      const orderIds = writes.orders.map((o) => o.id);
      expect((await rows<{ n: string }>('orders', 'SELECT count(*) AS n FROM orders WHERE id = ANY($1::uuid[])', [orderIds]))[0]!.n).toBe(String(orderIds.length));
      expect((await rows<{ n: string }>('reviews', 'SELECT count(*) AS n FROM reviews WHERE id = ANY($1::uuid[])', [writes.reviews]))[0]!.n).toBe(String(writes.reviews.length));
    }
    writing = false;
    await Promise.all(lanes);
    // The checks below are about acknowledged writes: there must be some of each kind.
    expect(writes.orders.length).toBeGreaterThan(0);
    expect(writes.reviews.length).toBeGreaterThan(0);
    expect([...writes.prices.values()].some((p) => p.succeeded.length > 0)).toBe(true);

    // Everything settles: no order PENDING, every outbox published, no consumer group lagging.
    await eventually(async () => expect(await rows('orders', "SELECT id FROM orders WHERE status = 'PENDING'")).toEqual([]), { timeoutMs: 90_000, intervalMs: 500 });
    await eventually(async () => expect(await eventsInFlight(pools, stack.brokers, TOPIC_PREFIX)).toEqual([]), { timeoutMs: 60_000, intervalMs: 500 });

    // Prices: the last acknowledged change, or one attempted after it whose answer was lost.
    for (const [product, { succeeded, attempted }] of writes.prices) {
      if (succeeded.length === 0) continue;
      const [row] = await rows<{ price_cents: string }>('products', 'SELECT price_cents::text FROM products WHERE id = $1', [product]);
      expect(attempted.slice(attempted.lastIndexOf(succeeded.at(-1)!))).toContain(row?.price_cents);
    }

    // Stock: initial minus the confirmed quantities, never negative.
    const confirmed = new Map(
      (await rows<{ product_id: string; quantity: string }>(
        'orders',
        "SELECT i.product_id, sum(i.quantity) AS quantity FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.status = 'CONFIRMED' GROUP BY i.product_id",
      )).map((row) => [row.product_id, Number(row.quantity)]),
    );
    const stock = await rows<{ id: string; stock: number }>('products', 'SELECT id, stock FROM products WHERE id = ANY($1::uuid[])', [products]);
    for (const { id, stock: left } of stock) {
      expect(left).toBeGreaterThanOrEqual(0);
      expect(left).toBe(INITIAL_STOCK - (confirmed.get(id) ?? 0));
    }

    // Every denormalized field equals its source of truth.
    const drift = (await reconcile(pools, { fix: false })).filter((field) => field.drifted > 0);
    expect(drift).toEqual([]);

    // Exactly once: each event was applied once by every group that handles its type, and by no other.
    const outbox = new Map<string, string>();
    for (const service of SERVICES) {
      for (const row of await rows<{ id: string; type: string }>(service, "SELECT id, envelope->>'type' AS type FROM outbox_events")) outbox.set(row.id, row.type);
    }
    let applied = 0;
    for (const service of SERVICES) {
      const processed = await rows<{ consumer: string; event_id: string }>(service, 'SELECT consumer, event_id FROM processed_events');
      applied += processed.length;
      expect(new Set(processed.map((p) => p.consumer)).size).toBeLessThanOrEqual(1);
      const perType = new Map<string, number>();
      for (const { event_id: id } of processed) {
        expect(outbox.has(id), `${service} applied an event no outbox holds`).toBe(true);
        perType.set(outbox.get(id)!, (perType.get(outbox.get(id)!) ?? 0) + 1);
      }
      for (const [type, count] of perType) expect(count, `${service}: ${type} events applied`).toBe([...outbox.values()].filter((t) => t === type).length);
    }

    const statuses = await rows<{ status: string; n: string; longest_ms: string }>(
      'orders',
      'SELECT status, count(*) AS n, max(extract(epoch FROM updated_at - created_at) * 1000) AS longest_ms FROM orders GROUP BY status',
    );
    const longestPending = Math.max(...statuses.map((s) => Number(s.longest_ms)));
    const priceChanges = [...writes.prices.values()].reduce((sum, p) => sum + p.succeeded.length, 0);
    process.stdout.write(
      [
        '',
        '[crash-recovery] kill -9 → ready again (kill to /ready 200; the broker: a client lists topics):',
        ...recovery.map((r) => `  ${r.victim.padEnd(8)} ${seconds(r.killToReadyMs).padStart(7)}   (${r.writesDuringOutage} writes acknowledged meanwhile)`),
        `[crash-recovery] longest time an order stayed PENDING: ${seconds(longestPending)}`,
        `[crash-recovery] writes checked: ${writes.orders.length} orders (${statuses.map((s) => `${s.n} ${s.status}`).join(', ')}), ${writes.reviews.length} reviews, ${priceChanges} price changes acknowledged; ${writes.failed} attempts failed during outages; ${outbox.size} events, ${applied} applications checked`,
        `[crash-recovery] supervisor: ${report.filter((line) => /exited unexpectedly|ready again/.test(line)).join(' | ')}`,
        '',
      ].join('\n'),
    );
  }, 300_000);
});

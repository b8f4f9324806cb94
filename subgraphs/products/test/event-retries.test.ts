/**
 * A consumer's failure paths, on a products subgraph of its own (own database and topics):
 * - a handler that keeps failing is tried `EVENT_MAX_ATTEMPTS` times, then the event goes to
 *   `<topic>.dlq` with the reason, and the partition moves on;
 * - while the service's database is unreachable nothing is dead-lettered: the event is applied once
 *   the database is back.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newEvent } from '@commerce/kit/events/outbox';
import { deadLetterTopicOf, topicOf } from '@commerce/kit/events/catalog';
import { eventually, readMessages, startTestSubgraph, type TestSubgraph } from '@commerce/kit/testing';
import { metricValue } from '@commerce/stack/prometheus';
import { loadProductsConfig } from '../src/config.js';
import { createProductsService } from '../src/service.js';

const run = inject('run');
const admin = { id: '00000000-0000-4000-8000-00000000000a', scope: 'customer admin' };
const MAX_ATTEMPTS = 3;
const kafka = new Kafka({ clientId: 'event-retries-test', brokers: run.brokers, logLevel: logLevel.NOTHING });
let products: TestSubgraph;
let metricsUrl: string;
let databaseName: string;

beforeAll(async () => {
  products = await startTestSubgraph(run, 'products', 'event_retries', loadProductsConfig, createProductsService, { EVENT_MAX_ATTEMPTS: String(MAX_ATTEMPTS) });
  await products.server.listen();
  // /metrics is served on the subgraph's METRICS_PORT, not on its public port.
  metricsUrl = products.server.app.metricsUrl()!;
  databaseName = new URL(products.env.DATABASE_URL!).pathname.slice(1);
});
afterAll(async () => {
  await admitConnections(true);
  await products?.close();
});

/** Runs SQL on the PostgreSQL server's `postgres` database (or on the suite's own). */
async function sql(query: string, own = false): Promise<void> {
  const url = new URL(run.serverUrl);
  url.pathname = `/${own ? databaseName : 'postgres'}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** The suite's database going down (no new connections, existing ones cut) and coming back. */
async function admitConnections(allow: boolean): Promise<void> {
  await sql(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS ${allow}`);
  if (!allow) await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${databaseName}' AND pid <> pg_backend_pid()`);
}

async function createProduct(): Promise<{ id: string; sku: string }> {
  const sku = `RETRY-${randomUUID().slice(0, 8)}`;
  const result = await products.request<{ createProduct: { id: string; sku: string } }>(
    'mutation($i: CreateProductInput!) { createProduct(input: $i) { id sku } }',
    { i: { sku, name: `Name ${sku}`, description: '', price: { amountCents: '100' }, stock: 3 } },
    admin,
  );
  return result.data!.createProduct;
}

async function reviewAdded(productId: string, key = randomUUID()) {
  const event = newEvent('ReviewAdded', key, { reviewId: randomUUID(), productId, authorId: randomUUID(), rating: 4 });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic: topicOf('reviews', products.topicPrefix), acks: -1, messages: [{ key, value: JSON.stringify(event) }] });
  } finally {
    await producer.disconnect();
  }
  return event;
}

async function reviewCount(id: string): Promise<number> {
  const result = await products.request<{ product: { reviewCount: number } }>('query($id: ID!) { product(id: $id) { reviewCount } }', { id });
  return result.data!.product.reviewCount;
}


/** Messages on the suite's reviews dead-letter topic (the high-water marks of its partitions). */
async function deadLetterCount(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(deadLetterTopicOf(topicOf('reviews', products.topicPrefix)));
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

const retried = () => metricValue(metricsUrl, 'events_retried_total', { type: 'ReviewAdded' });
const deadLettered = () => metricValue(metricsUrl, 'events_dead_lettered_total', { type: 'ReviewAdded' });

describe('EVENT_MAX_ATTEMPTS', () => {
  it('tries a failing event EVENT_MAX_ATTEMPTS times, dead-letters it with the reason, and applies what follows on the partition', async () => {
    const [refused, fine] = await Promise.all([createProduct(), createProduct()]);
    // The database answers but refuses this product's rating update: a handler failure, not an outage.
    await sql(
      `CREATE OR REPLACE FUNCTION refuse_rating() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'rating refused by the test'; END $$;
       CREATE TRIGGER refuse_rating BEFORE UPDATE ON products FOR EACH ROW WHEN (NEW.sku = '${refused.sku}') EXECUTE FUNCTION refuse_rating();`,
      true,
    );
    const dlqBefore = await deadLetterCount();
    const key = randomUUID();
    await reviewAdded(refused.id, key);
    await reviewAdded(fine.id, key); // same key: same partition, after the failing one

    const [dead] = await readMessages(run.brokers, deadLetterTopicOf(topicOf('reviews', products.topicPrefix)), (messages) => messages.some((m) => m.key === key), 30_000);
    expect(dead?.key).toBe(key);
    expect(dead?.headers['dlq-error']).toContain('rating refused by the test');
    expect(dead?.headers['dlq-consumer-group']).toBe(`${products.topicPrefix}products`);
    await eventually(async () => expect(await reviewCount(fine.id)).toBe(1), { timeoutMs: 30_000, intervalMs: 200 });
    expect(await reviewCount(refused.id)).toBe(0);
    expect(await deadLetterCount()).toBe(dlqBefore + 1);
    expect(await retried()).toBe(MAX_ATTEMPTS - 1);
    expect(await deadLettered()).toBe(1);
  }, 60_000);

  it('dead-letters nothing while the database is unreachable, and applies the event once it is back', async () => {
    const product = await createProduct();
    const [retriedBefore, deadLetteredBefore, dlqBefore] = await Promise.all([retried(), deadLettered(), deadLetterCount()]);

    await admitConnections(false);
    try {
      await reviewAdded(product.id);
      // More failed attempts than EVENT_MAX_ATTEMPTS allows one event, and still nothing dead-lettered.
      await eventually(async () => expect(await retried()).toBeGreaterThanOrEqual(retriedBefore + 2 * (MAX_ATTEMPTS - 1)), { timeoutMs: 45_000, intervalMs: 200 });
      expect(await deadLettered()).toBe(deadLetteredBefore);
      expect(await deadLetterCount()).toBe(dlqBefore);
    } finally {
      await admitConnections(true);
    }

    await eventually(async () => expect(await reviewCount(product.id)).toBe(1), { timeoutMs: 45_000, intervalMs: 200 });
    expect(await deadLettered()).toBe(deadLetteredBefore);
    expect(await deadLetterCount()).toBe(dlqBefore);
  }, 120_000);
});

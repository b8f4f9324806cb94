import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeClaims } from '@commerce/kit/auth';
import { newEvent } from '@commerce/kit/events/outbox';
import { deadLetterTopicOf, topicOf } from '@commerce/kit/events/catalog';
import { signedHeaders } from '@commerce/kit/router-trust';
import { cloneTemplate } from '@commerce/kit/testing';
import { repoRoot } from '@commerce/stack/paths';
import { produce } from '../support/kafka.js';
import { startSubgraph, type TestProcess } from '../support/processes.js';
import { eventually, metricValue, run } from '../support/run.js';

/**
 * `npm run dlq` against a products instance with a database of its own and the only consumer group of
 * its own topics, so a replay reaches no one else and the events it applies (reviews that exist in no
 * reviews database) leave the shared databases consistent. Its dead-letter topic gets two entries as a
 * failed delivery leaves them: one its group failed, one another group failed. The topic prefix is new
 * each run, so the counts below hold on a persistent broker too.
 */
const instance = `dlqreplay-${randomUUID().slice(0, 8)}`;
const prefix = `${instance}.`;
const reviewsTopic = topicOf('reviews', prefix);
const deadLetters = deadLetterTopicOf(reviewsTopic);
const productsGroup = `${prefix}products`;

const exec = promisify(execFile);
async function dlq(...args: string[]): Promise<string> {
  const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'deploy/local/src/dlq-cli.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_BROKERS: run.brokers.join(','), KAFKA_TOPIC_PREFIX: prefix },
  });
  return stdout;
}

let products: TestProcess;
let product: { id: string };

/** A request to the instance itself, signed as the router signs. */
async function direct<T>(query: string, variables: Record<string, unknown>, scope?: string): Promise<T> {
  const body = JSON.stringify({ query, variables });
  const claims = scope ? encodeClaims({ sub: randomUUID(), scope }) : undefined;
  const response = await fetch(products.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signedHeaders(run.routerSecret, claims, body),
    },
    body,
  });
  const result = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!result.data || result.errors) throw new Error(`request failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

const productFacts = async (id: string) =>
  (await direct<{ product: { averageRating: number | null; reviewCount: number } }>('query($id: ID!) { product(id: $id) { averageRating reviewCount } }', { id })).product;
let failedHere: ReturnType<typeof newEvent<'ReviewAdded'>>;
let failedElsewhere: ReturnType<typeof newEvent<'ReviewAdded'>>;

const deadLettered = (event: { id: string; aggregateId: string }, group: string, offset: number) => ({
  key: event.aggregateId,
  value: JSON.stringify(event),
  headers: {
    'dlq-error': 'connection terminated unexpectedly',
    'dlq-original-topic': reviewsTopic,
    'dlq-original-partition': '0',
    'dlq-original-offset': String(offset),
    'dlq-consumer-group': group,
    'dlq-failed-at': new Date().toISOString(),
  },
});

beforeAll(async () => {
  products = await startSubgraph('products', instance, { DATABASE_URL: await cloneTemplate(run, 'products', 'dlqreplay') });
  const sku = `DLQ-${randomUUID().slice(0, 8)}`;
  ({ createProduct: product } = await direct<{ createProduct: { id: string } }>(
    'mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }',
    { i: { sku, name: 'Replayed', description: '', price: { amountCents: '100' }, stock: 1 } },
    'customer admin',
  ));
  const review = (rating: number) => {
    const reviewId = randomUUID();
    return newEvent('ReviewAdded', reviewId, { reviewId, productId: product.id, authorId: randomUUID(), rating });
  };
  failedHere = review(4);
  failedElsewhere = review(1);
  await produce(deadLetters, [deadLettered(failedHere, productsGroup, 7), deadLettered(failedElsewhere, `${prefix}users`, 8)]);
});

afterAll(() => products?.stop());

/**
 * The products instance's count of events recognised as already applied. `absentAsZero` only for the
 * read before the replay: this instance is fresh, and its `duplicate` series exists only once it has
 * seen one. The read after the replay is strict: the series must be there.
 */
const duplicates = (options: { absentAsZero?: boolean } = {}) => metricValue(products.metricsUrl, 'events_consumed_total', { outcome: 'duplicate' }, options);

describe('dead-letter replay (npm run dlq)', () => {
  it('lists what each dead-letter topic holds, with where it came from and why it failed', async () => {
    const listing = await dlq('list');
    expect(listing).toContain(`${deadLetters}: 2 dead-lettered`);
    expect(listing).toContain(`event=${failedHere.id} type=ReviewAdded`);
    expect(listing).toContain(`from=${reviewsTopic}/0/7 group=${productsGroup}`);
    expect(listing).toContain('error="connection terminated unexpectedly"');
    expect(listing).toContain(`${deadLetterTopicOf(topicOf('orders', prefix))}: 0 dead-lettered`);
  });

  it('a dry run selects by consumer group and sends nothing', async () => {
    const output = await dlq('replay', deadLetters, '--group', productsGroup, '--dry-run');
    expect(output).toContain(`would replay ${deadLetters}/0/0 event=${failedHere.id}`);
    expect(output).not.toContain(failedElsewhere.id);
    expect(output).toContain('1 would be replayed (dry run: nothing sent)');
  });

  it("replays the group's entries to the original topic, where the group applies them once", async () => {
    expect(await dlq('replay', deadLetters, '--group', productsGroup)).toContain('replayed 1 of 1 selected');
    await eventually(async () => expect(await productFacts(product.id)).toMatchObject({ reviewCount: 1, averageRating: 4 }));

    // Again: the event is delivered, recognised as applied, and changes nothing.
    const before = await duplicates({ absentAsZero: true });
    expect(await dlq('replay', deadLetters, '--event', failedHere.id)).toContain('replayed 1 of 1 selected');
    await eventually(async () => expect(await duplicates()).toBe(before + 1));
    expect(await productFacts(product.id)).toMatchObject({ reviewCount: 1, averageRating: 4 });
  });

  it('refuses an unknown command with its usage', async () => {
    await expect(dlq('purge')).rejects.toMatchObject({ stderr: expect.stringContaining('usage: npm run dlq') });
  });
});

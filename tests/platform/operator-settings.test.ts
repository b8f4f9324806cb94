/**
 * Settings of the operator commands and of the subgraphs' background work: KAFKA_TOPIC_PARTITIONS
 * (`npm run kafka:topics`) and EVENTS_POOL_SIZE (the outbox relay's and consumers' own pool), each with
 * its behaviour and its refusal. ROUTER_URL (`npm run seed`) is exercised in npm-start.test.ts, on a
 * stack of its own, so the demo catalog never lands in the shared stack's databases.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { topicOf } from '@commerce/kit/events/catalog';
import { createKafka, platformTopics } from '@commerce/kit/events/kafka';
import { newEvent } from '@commerce/kit/events/outbox';
import { createLogger } from '@commerce/kit/logger';
import { runWith } from '../support/exit.js';
import { produce } from '../support/kafka.js';
import { startSubgraph } from '../support/processes.js';
import { metricValue, run, unique } from '../support/run.js';

describe('KAFKA_TOPIC_PARTITIONS (npm run kafka:topics)', () => {
  it('creates every event topic with that many partitions (dead-letter topics with one)', async () => {
    const prefix = `${unique('partitions-')}.`;
    const outcome = await runWith('deploy/local/src/topics-cli.ts', { KAFKA_BROKERS: run.brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, KAFKA_TOPIC_PARTITIONS: '2', LOG_LEVEL: 'error' });
    expect(outcome).toMatchObject({ code: 0 });
    const admin = createKafka('partitions-test', run.brokers, createLogger('partitions-test', 'silent')).admin();
    await admin.connect();
    try {
      const expected = platformTopics(prefix, 2).map(({ topic, numPartitions }) => [topic, numPartitions]);
      const { topics } = await admin.fetchTopicMetadata({ topics: expected.map(([topic]) => topic as string) });
      const actual = new Map(topics.map((topic) => [topic.name, topic.partitions.length]));
      expect(expected.map(([topic]) => [topic, actual.get(topic as string)])).toEqual(expected);
      expect(expected.filter(([topic]) => !String(topic).endsWith('.dlq')).every(([, partitions]) => partitions === 2)).toBe(true);
      await admin.deleteTopics({ topics: expected.map(([topic]) => topic as string) });
    } finally {
      await admin.disconnect();
    }
  });

  it('a value that is not a positive whole number is refused, naming the variable, before any broker is asked', async () => {
    for (const value of ['0', 'two', '1001']) {
      const prefix = `${unique('partitions-bad-')}.`;
      const { code, stderr } = await runWith('deploy/local/src/topics-cli.ts', { KAFKA_BROKERS: run.brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, KAFKA_TOPIC_PARTITIONS: value });
      expect(code, value).toBe(1);
      expect(stderr, value).toContain('KAFKA_TOPIC_PARTITIONS:');
      const admin = createKafka('partitions-test', run.brokers, createLogger('partitions-test', 'silent')).admin();
      await admin.connect();
      try {
        expect((await admin.listTopics()).filter((topic) => topic.startsWith(prefix))).toEqual([]);
      } finally {
        await admin.disconnect();
      }
    }
  });
});

describe('EVENTS_POOL_SIZE', () => {
  it('a subgraph with EVENTS_POOL_SIZE=2 and DATABASE_POOL_SIZE=3, driven past both, holds exactly 2 events and 3 GraphQL connections, each pool labelled apart', async () => {
    // The kit labels each pool `<application_name of the URL, else the service>-graphql` / `-events`;
    // a label of the test's own keeps this instance's connections apart from the shared reviews service's.
    const label = unique('pools-');
    const url = new URL(run.databaseUrls.reviews);
    url.searchParams.set('application_name', label);
    const name = unique('events-pool-');
    const reviews = await startSubgraph('reviews', name, { DATABASE_URL: url.toString(), EVENTS_POOL_SIZE: '2', DATABASE_POOL_SIZE: '3', OUTBOX_POLL_MS: '50' });
    // Work for the consumers, on the instance's own topics: cancellations of orders that were never
    // confirmed, which reviews applies in a transaction that changes nothing but its processed-events
    // record. Spread over every partition (consumed 3 at once), they want more connections than 2.
    const cancellations = Array.from({ length: 300 }, () => {
      const orderId = randomUUID();
      const event = newEvent('OrderCancelled', orderId, { orderId, buyerId: randomUUID(), totalCents: 100, currency: 'USD', items: [{ productId: randomUUID(), quantity: 1 }], wasConfirmed: false });
      return { key: orderId, value: JSON.stringify(event) };
    });
    const client = new pg.Client({ connectionString: run.serverUrl });
    await client.connect();
    try {
      const eventsQueries = () => metricValue(reviews.metricsUrl, 'db_queries_total', { source: 'events' }, { absentAsZero: true });
      const before = await eventsQueries();
      const most = new Map<string, number>();
      await produce(topicOf('orders', `${name}.`), cancellations);
      // /ready's database check runs on the GraphQL pool (12 at once, more than it holds) while the relay
      // polls every 50 ms and the consumers apply the cancellations on the events pool.
      for (let i = 0; i < 30; i += 1) {
        await Promise.all(Array.from({ length: 12 }, () => fetch(`${reviews.baseUrl}/ready`).then((response) => response.arrayBuffer())));
        const { rows } = await client.query<{ application_name: string; count: string }>(
          "SELECT application_name, count(*) FROM pg_stat_activity WHERE application_name LIKE $1 GROUP BY application_name",
          [`${label}%`],
        );
        for (const row of rows) most.set(row.application_name, Math.max(most.get(row.application_name) ?? 0, Number(row.count)));
      }
      const relayed = (await eventsQueries()) - before;
      console.log(`EVENTS_POOL_SIZE=2, DATABASE_POOL_SIZE=3: most connections seen per pool ${JSON.stringify(Object.fromEntries(most))}; ${relayed} statements on the events pool meanwhile`);
      expect(relayed).toBeGreaterThan(0);
      expect([...most.keys()].sort(), 'every connection of the instance belongs to one of its two pools').toEqual([`${label}-events`, `${label}-graphql`]);
      expect(most.get(`${label}-graphql`), 'the GraphQL pool fills up to DATABASE_POOL_SIZE and no further').toBe(3);
      expect(most.get(`${label}-events`), 'the events pool fills up to EVENTS_POOL_SIZE and no further').toBe(2);
    } finally {
      await client.end();
      await reviews.stop();
    }
  });

  it('a value under 2, over 50 or not a number stops the subgraph, naming it', async () => {
    for (const value of ['1', '51', 'four']) {
      const { code, stderr } = await runWith('subgraphs/reviews/src/index.ts', { EVENTS_POOL_SIZE: value, DATABASE_URL: run.databaseUrls.reviews, PORT: '0', METRICS_PORT: '0' });
      expect(code, value).toBe(1);
      expect(stderr, value).toContain('EVENTS_POOL_SIZE:');
    }
  });
});

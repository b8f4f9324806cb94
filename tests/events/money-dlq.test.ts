import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent } from '@commerce/kit/events/outbox';
import { deadLetterTopicOf, topicOf } from '@commerce/kit/events/catalog';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { cloneTemplate } from '@commerce/kit/testing';
import { repoRoot } from '@commerce/stack/paths';
import { reconcile, type Pools } from '@commerce/stack/reconcile';
import { produce, readMessages } from '../support/kafka.js';
import { startSubgraph, type TestProcess } from '../support/processes.js';
import { eventually, run } from '../support/run.js';

/**
 * The dead-letter path proves itself on the money class of fault. A users instance with a database
 * of its own, whose lifetime-spend column is simulated back to the 32-bit INTEGER it was before the
 * money migration (the schema bug), and the only consumer group of its own topics:
 *   1. two OrderConfirmed events of 1,500,000,000 cents: the first applies, the second overflows
 *      ("integer out of range") and is dead-lettered;
 *   2. the fix is applied: the money migration's own SQL;
 *   3. `npm run dlq -- replay` sends the dead-lettered event back, and the totals converge;
 *   4. reconcile, against orders holding the two confirmed orders, reports no drift.
 */
const prefix = 'moneydlq.';
const ordersTopic = topicOf('orders', prefix);
const deadLetters = deadLetterTopicOf(ordersTopic);
const TOTAL = 1_500_000_000;

const exec = promisify(execFile);
const dlq = async (...args: string[]) =>
  (await exec(process.execPath, ['--import', 'tsx', 'deploy/local/src/dlq-cli.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_BROKERS: run.brokers.join(','), KAFKA_TOPIC_PREFIX: prefix },
  })).stdout;

const buyerId = randomUUID();
const orderIds = [randomUUID(), randomUUID()];
let users: TestProcess;
const pools = {} as Pools;

async function sql<R extends pg.QueryResultRow>(service: ServiceName, query: string, values: unknown[] = []): Promise<R[]> {
  return (await pools[service].query<R>(query, values)).rows;
}

const totals = async () =>
  (await sql<{ order_count: number; spend: string }>('users', 'SELECT order_count, lifetime_spend_cents::text AS spend FROM users WHERE id = $1', [buyerId]))[0];

/** The SQL of the migration that made money 64-bit in the users database: the fix, as deployed. */
function moneyMigration(): string {
  const dir = path.join(repoRoot, 'prisma/users/migrations');
  const folder = readdirSync(dir).find((name) => name.endsWith('_money_bigint'));
  if (!folder) throw new Error('no money_bigint migration for users');
  return readFileSync(path.join(dir, folder, 'migration.sql'), 'utf8');
}

beforeAll(async () => {
  for (const service of SERVICES) pools[service] = new pg.Pool({ connectionString: await cloneTemplate(run, service, 'moneydlq'), max: 2 });
  // The schema bug, simulated: the column as it was before the money migration.
  await sql('users', 'ALTER TABLE users ALTER COLUMN lifetime_spend_cents SET DATA TYPE INTEGER');
  await sql('users', "INSERT INTO users (id, email, name, password_hash, updated_at) VALUES ($1, $2, 'Whale', 'x', now())", [buyerId, `${buyerId}@example.test`]);
  for (const id of orderIds) {
    await sql('orders', "INSERT INTO orders (id, buyer_id, status, total_cents, currency, updated_at) VALUES ($1, $2, 'CONFIRMED', $3, 'USD', now())", [id, buyerId, TOTAL]);
  }
  users = await startSubgraph('users', 'moneydlq', { DATABASE_URL: pools.users.options.connectionString as string });
}, 120_000);

afterAll(async () => {
  await users?.stop();
  await Promise.all(Object.values(pools).map((pool) => pool.end()));
});

describe('dead-letter replay of a money event after a schema fix', () => {
  it('dead-letters the overflowing event, converges after the fix and a replay, and reconcile finds no drift', async () => {
    const events = orderIds.map((orderId) =>
      newEvent('OrderConfirmed', orderId, { orderId, buyerId, totalCents: TOTAL, currency: 'USD', items: [{ productId: randomUUID(), quantity: 1 }] }),
    );
    for (const event of events) await produce(ordersTopic, [{ key: event.aggregateId, value: JSON.stringify(event) }]);

    const [entry] = await readMessages(deadLetters, (seen) => seen.length >= 1, 60_000);
    expect(entry?.value).toContain(events[1]!.id);
    expect(entry?.headers['dlq-consumer-group']).toBe(`${prefix}users`);
    expect(entry?.headers['dlq-error']).toContain('integer out of range');
    console.log(`[money-dlq] dead-lettered ${events[1]!.id}: ${entry?.headers['dlq-error']?.trim().split('\n').at(-1)}`);
    await eventually(async () => expect(await totals()).toEqual({ order_count: 1, spend: String(TOTAL) }));

    await pools.users.query(moneyMigration());
    expect(await dlq('replay', deadLetters, '--group', `${prefix}users`)).toContain('replayed 1 of 1 selected');
    await eventually(async () => expect(await totals()).toEqual({ order_count: 2, spend: String(2 * TOTAL) }), { timeoutMs: 30_000 });

    const reports = await reconcile(pools, { fix: false });
    expect(reports.filter((report) => report.drifted > 0)).toEqual([]);
  }, 120_000);
});

/**
 * `npm run reconcile [-- --fix]`: rebuilds every denormalized field from its source of truth and
 * reports the drift it found, field by field. Dry run by default; `--fix` writes the rebuilt values.
 *
 * Sources of truth: reviews (ratings, review counts), confirmed orders (order counts, lifetime spend,
 * purchases), the catalog (the orders replica, the reviews' known products). This is an operator's
 * tool reading every service database, not a service: services never read each other's databases.
 *
 * Fixing while events are still in flight would count them twice (the fix sets absolute values, then
 * the pending event applies its delta), so `--fix` first checks that no outbox holds unpublished
 * events and no consumer group lags; `--force` skips that check.
 */
import pg from 'pg';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { topicOf } from '@commerce/kit/events/catalog';
import { createKafka, type KafkaConnection } from '@commerce/kit/events/kafka';
import { createLogger } from '@commerce/kit/logger';

export type Pools = Record<ServiceName, pg.Pool>;

export interface Drift {
  id: string;
  actual: unknown;
  expected: unknown;
}

interface Check {
  /** The denormalized field, as a reader of the schema knows it. */
  field: string;
  find: (pools: Pools) => Promise<Drift[]>;
  fix: (pools: Pools, drifts: Drift[]) => Promise<void>;
}

export interface FieldReport {
  field: string;
  drifted: number;
  examples: Drift[];
  fixed: boolean;
}

/** Rows of `query` keyed by `id`, every other column as the value. */
async function byId<T>(pool: pg.Pool, query: string): Promise<Map<string, T>> {
  const { rows } = await pool.query(query);
  return new Map(rows.map(({ id, ...rest }) => [String(id), rest as T]));
}

/**
 * A column value as compared and written back: integers (counts, BIGINT sums of cents, which `pg`
 * returns as strings) as exact decimal strings, never through a float; others as numbers.
 */
type Value = string | number | null;

const exactInteger = (value: unknown): Value => (value === null || value === undefined ? null : BigInt(value as string).toString());
const floating = (value: unknown): Value => (value === null || value === undefined ? null : Number(value));
/** A drift's value as reported: a number while that is exact, its decimal string beyond 2^53. */
const shown = (value: Value): Value => (typeof value === 'string' && Number.isSafeInteger(Number(value)) ? Number(value) : value);

/**
 * Compares a column of `table` in `owner`'s database with its value rebuilt from `source`. Rows the
 * source does not mention get `absent` (zero for counters: no reviews, no confirmed orders). Values
 * are exact integers unless `read` says otherwise.
 */
function columnCheck(options: {
  field: string;
  owner: ServiceName;
  table: string;
  column: string;
  source: ServiceName;
  sourceQuery: string;
  absent?: Value;
  read?: (value: unknown) => Value;
  same?: (actual: Value, expected: Value) => boolean;
}): Check {
  const absent = options.absent === undefined ? '0' : options.absent;
  const same = options.same ?? ((actual, expected) => actual === expected);
  const number = options.read ?? exactInteger;
  return {
    field: options.field,
    find: async (pools) => {
      const expected = await byId<{ value: unknown }>(pools[options.source], options.sourceQuery);
      const actual = await byId<{ value: unknown }>(pools[options.owner], `SELECT id, ${options.column} AS value FROM ${options.table}`);
      const drifts: Drift[] = [];
      for (const [id, row] of actual) {
        const want = expected.has(id) ? number(expected.get(id)?.value) : absent;
        const have = number(row.value);
        if (!same(have, want)) drifts.push({ id, actual: shown(have), expected: shown(want) });
      }
      return drifts;
    },
    fix: async (pools, drifts) => {
      for (const drift of drifts) {
        await pools[options.owner].query(`UPDATE ${options.table} SET ${options.column} = $2 WHERE id = $1`, [drift.id, drift.expected]);
      }
    },
  };
}

const confirmedOrders = "FROM orders WHERE status = 'CONFIRMED' GROUP BY buyer_id";

export const checks: Check[] = [
  columnCheck({
    field: 'Product.reviewCount',
    owner: 'products', table: 'products', column: 'review_count',
    source: 'reviews', sourceQuery: 'SELECT product_id AS id, count(*) AS value FROM reviews GROUP BY product_id',
  }),
  columnCheck({
    field: 'Product.averageRating (rating sum)',
    owner: 'products', table: 'products', column: 'rating_sum',
    source: 'reviews', sourceQuery: 'SELECT product_id AS id, sum(rating) AS value FROM reviews GROUP BY product_id',
  }),
  columnCheck({
    field: 'Product.averageRating',
    owner: 'products', table: 'products', column: 'average_rating',
    source: 'reviews', sourceQuery: 'SELECT product_id AS id, avg(rating)::float8 AS value FROM reviews GROUP BY product_id',
    absent: null,
    read: floating,
    same: (actual, expected) => (actual === null || expected === null ? actual === expected : Math.abs(Number(actual) - Number(expected)) < 1e-9),
  }),
  columnCheck({
    field: 'User.reviewCount',
    owner: 'users', table: 'users', column: 'review_count',
    source: 'reviews', sourceQuery: 'SELECT author_id AS id, count(*) AS value FROM reviews GROUP BY author_id',
  }),
  columnCheck({
    field: 'User.orderCount',
    owner: 'users', table: 'users', column: 'order_count',
    source: 'orders', sourceQuery: `SELECT buyer_id AS id, count(*) AS value ${confirmedOrders}`,
  }),
  columnCheck({
    field: 'User.lifetimeSpend',
    owner: 'users', table: 'users', column: 'lifetime_spend_cents',
    source: 'orders', sourceQuery: `SELECT buyer_id AS id, sum(total_cents) AS value ${confirmedOrders}`,
  }),
  {
    field: 'orders: catalog replica (name, price, active)',
    find: async (pools) => {
      const catalog = await byId<Record<string, unknown>>(pools.products, 'SELECT id, name, price_cents, currency, active, version FROM products');
      const replica = await byId<Record<string, unknown>>(pools.orders, 'SELECT id, name, price_cents, currency, active, version FROM catalog_products');
      const drifts: Drift[] = [];
      for (const [id, row] of catalog) {
        if (JSON.stringify(replica.get(id) ?? null) !== JSON.stringify(row)) drifts.push({ id, actual: replica.get(id) ?? null, expected: row });
      }
      return drifts;
    },
    fix: async (pools, drifts) => {
      for (const { id, expected } of drifts) {
        const row = expected as { name: string; price_cents: number; currency: string; active: boolean; version: number };
        await pools.orders.query(
          `INSERT INTO catalog_products (id, name, price_cents, currency, active, version, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, now())
           ON CONFLICT (id) DO UPDATE SET name = $2, price_cents = $3, currency = $4, active = $5, version = $6, updated_at = now()`,
          [id, row.name, row.price_cents, row.currency, row.active, row.version],
        );
      }
    },
  },
  {
    field: 'reviews: known products',
    find: async (pools) => {
      const catalog = await byId<{ version: number }>(pools.products, 'SELECT id, version FROM products');
      const known = await byId<{ version: number }>(pools.reviews, 'SELECT id, version FROM known_products');
      return [...catalog]
        .filter(([id]) => !known.has(id))
        .map(([id, row]) => ({ id, actual: null, expected: row.version }));
    },
    fix: async (pools, drifts) => {
      for (const drift of drifts) {
        await pools.reviews.query('INSERT INTO known_products (id, version) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [drift.id, drift.expected]);
      }
    },
  },
  {
    field: 'Review.verifiedPurchase (purchases)',
    find: async (pools) => {
      const pairs = (rows: { order_id: string; product_id: string; buyer_id: string }[]) =>
        new Map(rows.map((row) => [`${row.order_id}:${row.product_id}`, row.buyer_id]));
      const expected = pairs(
        (await pools.orders.query(
          `SELECT i.order_id, i.product_id, o.buyer_id FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.status = 'CONFIRMED'`,
        )).rows,
      );
      const actual = pairs((await pools.reviews.query('SELECT order_id, product_id, buyer_id FROM purchases')).rows);
      const drifts: Drift[] = [];
      for (const [key, buyer] of expected) if (actual.get(key) !== buyer) drifts.push({ id: key, actual: actual.get(key) ?? null, expected: buyer });
      for (const [key, buyer] of actual) if (!expected.has(key)) drifts.push({ id: key, actual: buyer, expected: null });
      return drifts;
    },
    fix: async (pools, drifts) => {
      for (const { id, expected } of drifts) {
        const [orderId, productId] = id.split(':');
        if (expected === null) await pools.reviews.query('DELETE FROM purchases WHERE order_id = $1 AND product_id = $2', [orderId, productId]);
        else {
          await pools.reviews.query(
            'INSERT INTO purchases (order_id, product_id, buyer_id) VALUES ($1, $2, $3) ON CONFLICT (order_id, product_id) DO UPDATE SET buyer_id = $3',
            [orderId, productId, expected],
          );
        }
      }
    },
  },
];

export async function reconcile(pools: Pools, { fix }: { fix: boolean }): Promise<FieldReport[]> {
  const reports: FieldReport[] = [];
  for (const check of checks) {
    const drifts = await check.find(pools);
    if (fix && drifts.length > 0) await check.fix(pools, drifts);
    reports.push({ field: check.field, drifted: drifts.length, examples: drifts.slice(0, 3), fixed: fix && drifts.length > 0 });
  }
  return reports;
}

/** Events still on their way: unpublished outbox rows, and consumer-group lag when a broker is given. */
export async function eventsInFlight(pools: Pools, brokers: KafkaConnection | null, topicPrefix: string): Promise<string[]> {
  const busy: string[] = [];
  for (const service of SERVICES) {
    const { rows } = await pools[service].query<{ pending: string }>('SELECT count(*) AS pending FROM outbox_events WHERE published_at IS NULL');
    if (Number(rows[0]?.pending) > 0) busy.push(`${service}: ${rows[0]?.pending} unpublished outbox events`);
  }
  if (!brokers) return busy;
  const admin = createKafka('reconcile', brokers, createLogger('reconcile', 'silent')).admin();
  await admin.connect();
  try {
    for (const service of SERVICES) {
      const group = `${topicPrefix}${service}`;
      const groupOffsets = await admin.fetchOffsets({ groupId: group, topics: SERVICES.map((s) => topicOf(s, topicPrefix)) });
      for (const { topic, partitions } of groupOffsets) {
        const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
        const lag = partitions.reduce((sum, p) => sum + (Number(p.offset) < 0 ? 0 : Math.max((ends.get(p.partition) ?? 0) - Number(p.offset), 0)), 0);
        if (lag > 0) busy.push(`consumer group ${group} lags ${lag} on ${topic}`);
      }
    }
  } finally {
    await admin.disconnect();
  }
  return busy;
}

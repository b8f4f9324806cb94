/**
 * The write scenario's saga lag: for the orders one point placed, how long from the order's accept
 * (`orders.created_at`, set in the transaction that answered placeOrder) to CONFIRMED (`updated_at` of
 * the row once the products service's reservation came back through Kafka and the orders consumer
 * confirmed it), and where that time went, stage by stage, from the timestamps the event machinery
 * already writes (sagaStamps). Read from the orders and products databases after the point, so measuring
 * adds no load during it.
 */
import pg from 'pg';
import { percentile } from './bench-stack.js';

export interface SagaLag {
  /** Orders the point placed (accepted answers). */
  orders: number;
  confirmed: number;
  /** Still PENDING when we stopped waiting, or REJECTED / CANCELLED. */
  notConfirmed: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Per stage, over the confirmed orders whose every stamp was found (SAGA_STAGES order); absent in older results. */
  stages?: SagaStageFigures[];
}

/** One stage's duration percentiles (ms) over `orders` confirmed orders. */
export interface SagaStageFigures {
  stage: SagaStage;
  orders: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * The saga's hops in order; each runs from the previous stamp to its own (SagaStamps says where each is
 * read from). Together they add up to accept → CONFIRMED.
 */
export const SAGA_STAGES = [
  'orders relay',
  'to products',
  'products apply',
  'products relay',
  'to orders',
  'orders apply',
] as const;
export type SagaStage = (typeof SAGA_STAGES)[number];

/** What each stage covers, for the report's legend. */
export const SAGA_STAGE_LEGEND: Record<SagaStage, string> = {
  'orders relay': 'accept → OrderPlaced acknowledged by Kafka (orders outbox published_at)',
  'to products': '→ the products consumer starts applying it (processed_events.processed_at: fetch, queue, lock)',
  'products apply': '→ StockReserved written (products outbox created_at, just before commit)',
  'products relay': '→ StockReserved acknowledged by Kafka (products outbox published_at)',
  'to orders': '→ the orders consumer starts applying it (processed_events.processed_at)',
  'orders apply': '→ CONFIRMED (orders.updated_at)',
};

/**
 * One confirmed order's stamps, epoch ms, in saga order: accept, OrderPlaced published, OrderPlaced
 * applied by products, StockReserved written, StockReserved published, StockReserved applied by orders,
 * CONFIRMED. The outbox and processed_events stamps are `clock_timestamp()`s written by the kit
 * (relay.ts, outbox.ts, consumer.ts), not transaction start times.
 */
export type SagaStamps = [number, number, number, number, number, number, number];

/** The id of the order in a placeOrder answer body, or undefined when it carries none. */
export function placedOrderId(body: string): string | undefined {
  return /"placeOrder":\{"id":"([^"]+)"/.exec(body)?.[1];
}

/**
 * The products database's URL beside the orders one: the bench and the local stack name the databases
 * `<prefix>_<service>` (deploy/local/src/postgres.ts, serviceDatabaseNames).
 */
export function productsDatabaseUrlOf(ordersDatabaseUrl: string): string {
  const url = new URL(ordersDatabaseUrl);
  url.pathname = url.pathname.replace(/_orders$/, '_products');
  return url.toString();
}

/**
 * Lag percentiles (ms) of the orders `ids`, with the counts and the per-stage figures; waits up to
 * `waitMs` for PENDING orders to settle. `productsDatabaseUrl` defaults to the orders URL's sibling.
 */
export async function sagaLag(ordersDatabaseUrl: string, ids: string[], waitMs: number, productsDatabaseUrl = productsDatabaseUrlOf(ordersDatabaseUrl)): Promise<SagaLag> {
  const client = new pg.Client({ connectionString: ordersDatabaseUrl });
  await client.connect();
  try {
    const read = () =>
      client.query<{ status: string; lag_ms: number }>(
        'SELECT status, EXTRACT(EPOCH FROM (updated_at - created_at)) * 1000 AS lag_ms FROM orders WHERE id = ANY($1::uuid[])',
        [ids],
      );
    const deadline = Date.now() + waitMs;
    let { rows } = await read();
    while (rows.some((row) => row.status === 'PENDING') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      ({ rows } = await read());
    }
    const figures = lagFigures(ids.length, rows.filter((row) => row.status === 'CONFIRMED').map((row) => Number(row.lag_ms)), waitMs);
    const stamps = await sagaStamps(client, productsDatabaseUrl, ids);
    return { ...figures, stages: stageFigures(stamps) };
  } finally {
    await client.end();
  }
}

const epochMs = (column: string) => `(EXTRACT(EPOCH FROM ${column}) * 1000)::float8`;

/**
 * Every stamp of each CONFIRMED order of `ids` that has them all (rows the outbox retention deleted, or
 * a products database that cannot be read, leave orders out): three queries on each database.
 */
async function sagaStamps(orders: pg.Client, productsDatabaseUrl: string, ids: string[]): Promise<SagaStamps[]> {
  const placed = await orders.query<{ order_id: string; event_id: string; accepted: number; published: number | null; confirmed: number }>(
    `SELECT o.id::text AS order_id, e.id::text AS event_id, ${epochMs('o.created_at')} AS accepted,
            ${epochMs('e.published_at')} AS published, ${epochMs('o.updated_at')} AS confirmed
     FROM orders o JOIN outbox_events e ON e.key = o.id::text AND e.envelope->>'type' = 'OrderPlaced'
     WHERE o.id = ANY($1::uuid[]) AND o.status = 'CONFIRMED'`,
    [ids],
  );
  const products = new pg.Client({ connectionString: productsDatabaseUrl });
  try {
    await products.connect();
  } catch {
    return [];
  }
  try {
    const applied = await products.query<{ event_id: string; at: number }>(
      `SELECT event_id::text, ${epochMs('min(processed_at)')} AS at FROM processed_events WHERE event_id = ANY($1::uuid[]) GROUP BY event_id`,
      [placed.rows.map((row) => row.event_id)],
    );
    const replies = await products.query<{ order_id: string; event_id: string; written: number; published: number | null }>(
      `SELECT key AS order_id, id::text AS event_id, ${epochMs('created_at')} AS written, ${epochMs('published_at')} AS published
       FROM outbox_events WHERE key = ANY($1::text[]) AND envelope->>'type' = 'StockReserved'`,
      [placed.rows.map((row) => row.order_id)],
    );
    const confirmedApplied = await orders.query<{ event_id: string; at: number }>(
      `SELECT event_id::text, ${epochMs('min(processed_at)')} AS at FROM processed_events WHERE event_id = ANY($1::uuid[]) GROUP BY event_id`,
      [replies.rows.map((row) => row.event_id)],
    );
    const appliedAt = new Map(applied.rows.map((row) => [row.event_id, row.at]));
    const replyOf = new Map(replies.rows.map((row) => [row.order_id, row]));
    const confirmedAppliedAt = new Map(confirmedApplied.rows.map((row) => [row.event_id, row.at]));
    return placed.rows.flatMap((row) => {
      const reply = replyOf.get(row.order_id);
      const stamps = [row.accepted, row.published, appliedAt.get(row.event_id), reply?.written, reply?.published, reply && confirmedAppliedAt.get(reply.event_id), row.confirmed];
      return stamps.every((stamp) => typeof stamp === 'number') ? [stamps as SagaStamps] : [];
    });
  } finally {
    await products.end();
  }
}

/** Each stage's percentiles over `stamps` (SagaStamps per order); empty when there are none. */
export function stageFigures(stamps: readonly SagaStamps[]): SagaStageFigures[] {
  if (stamps.length === 0) return [];
  const ms = (value: number) => Math.round(value * 10) / 10;
  return SAGA_STAGES.map((stage, index) => {
    const sorted = stamps.map((row) => row[index + 1]! - row[index]!).sort((a, b) => a - b);
    return { stage, orders: sorted.length, p50Ms: ms(percentile(sorted, 50)), p95Ms: ms(percentile(sorted, 95)), p99Ms: ms(percentile(sorted, 99)), maxMs: ms(sorted.at(-1)!) };
  });
}

/**
 * The figures of `orders` placed of which `lags` (ms) were confirmed. An order never confirmed counts
 * with `unconfirmedMs` (the time we waited: a lower bound), so it raises the percentiles instead of
 * vanishing from them.
 */
export function lagFigures(orders: number, lags: number[], unconfirmedMs: number): SagaLag {
  const sorted = [...lags, ...Array.from({ length: Math.max(0, orders - lags.length) }, () => unconfirmedMs)].sort((a, b) => a - b);
  const ms = (value: number) => Math.round(value * 10) / 10;
  return {
    orders,
    confirmed: lags.length,
    notConfirmed: orders - lags.length,
    p50Ms: ms(percentile(sorted, 50)),
    p95Ms: ms(percentile(sorted, 95)),
    p99Ms: ms(percentile(sorted, 99)),
    maxMs: ms(sorted.at(-1) ?? Number.NaN),
  };
}

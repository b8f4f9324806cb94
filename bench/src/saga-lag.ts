/**
 * The write scenario's saga lag: for the orders one point placed, how long from the order's accept
 * (`orders.created_at`, set in the transaction that answered placeOrder) to CONFIRMED (`updated_at` of
 * the row once the products service's reservation came back through Kafka and the orders consumer
 * confirmed it). Read from the orders database after the point, so measuring adds no load during it.
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
}

/** The id of the order in a placeOrder answer body, or undefined when it carries none. */
export function placedOrderId(body: string): string | undefined {
  return /"placeOrder":\{"id":"([^"]+)"/.exec(body)?.[1];
}

/** Lag percentiles (ms) of the orders `ids`, with the counts; waits up to `waitMs` for PENDING orders to settle. */
export async function sagaLag(ordersDatabaseUrl: string, ids: string[], waitMs: number): Promise<SagaLag> {
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
    return lagFigures(ids.length, rows.filter((row) => row.status === 'CONFIRMED').map((row) => Number(row.lag_ms)), waitMs);
  } finally {
    await client.end();
  }
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

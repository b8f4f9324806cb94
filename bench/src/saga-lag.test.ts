import { describe, expect, it } from 'vitest';
import { lagFigures, placedOrderId, productsDatabaseUrlOf, SAGA_STAGES, stageFigures, type SagaStamps } from './saga-lag.js';

describe('saga lag', () => {
  it('reads the order id from a placeOrder answer', () => {
    expect(placedOrderId('{"data":{"placeOrder":{"id":"0b8e","status":"PENDING"}}}')).toBe('0b8e');
    expect(placedOrderId('{"errors":[{"message":"no"}],"data":null}')).toBeUndefined();
  });

  it('gives percentiles over every placed order, counting unconfirmed ones at the time waited', () => {
    const lags = Array.from({ length: 99 }, (_, i) => i + 1);
    const all = lagFigures(99, lags, 60_000);
    expect(all).toMatchObject({ orders: 99, confirmed: 99, notConfirmed: 0, p50Ms: 50, p99Ms: 99, maxMs: 99 });
    const some = lagFigures(100, lags, 60_000);
    expect(some).toMatchObject({ confirmed: 99, notConfirmed: 1, p99Ms: 99, maxMs: 60_000 });
    expect(lagFigures(10, lags.slice(0, 8), 60_000).p99Ms).toBe(60_000);
  });

  it('splits each order into its stages, which add up to accept → CONFIRMED', () => {
    // Order i: every stage takes (stage index + 1) × i ms.
    const stamps = Array.from({ length: 100 }, (_, order) => {
      const i = order + 1;
      let at = 1_000_000;
      return [at, ...SAGA_STAGES.map((_, stage) => (at += (stage + 1) * i))] as SagaStamps;
    });
    const stages = stageFigures(stamps);
    expect(stages.map((s) => s.stage)).toEqual([...SAGA_STAGES]);
    expect(stages.map((s) => [s.orders, s.p50Ms, s.p99Ms, s.maxMs])).toEqual(SAGA_STAGES.map((_, stage) => [100, (stage + 1) * 50, (stage + 1) * 99, (stage + 1) * 100]));
    const total = stamps.map((row) => row[6] - row[0]);
    expect(stages.reduce((sum, s) => sum + s.maxMs, 0)).toBe(Math.max(...total));
    expect(stageFigures([])).toEqual([]);
  });

  it('finds the products database beside the orders one', () => {
    expect(productsDatabaseUrlOf('postgresql://postgres@127.0.0.1:5432/saga_b_orders')).toBe('postgresql://postgres@127.0.0.1:5432/saga_b_products');
    expect(productsDatabaseUrlOf('postgresql://u:p@db:5432/x_orders?sslmode=disable')).toBe('postgresql://u:p@db:5432/x_products?sslmode=disable');
  });
});

import { describe, expect, it } from 'vitest';
import { lagFigures, placedOrderId } from './saga-lag.js';

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
});

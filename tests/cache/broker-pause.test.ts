/**
 * The entity cache while the run's broker is stopped (the global setup's control endpoint, as the
 * events' broker-outage suite does; integration files run one at a time, so no other suite sees it):
 * invalidation goes down, and no cached value older than the fallback TTL is served; once the broker is
 * back, invalidation comes back up.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { asAdmin } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { startRouter } from '../support/processes.js';
import { eventually, run } from '../support/run.js';
import { counter, untilCached } from './support.js';

async function broker(action: 'stop' | 'start') {
  const response = await fetch(`${run.controlUrl}/broker/${action}`, { method: 'POST' });
  expect(response.status).toBe(204);
}

let stopped = false;
afterAll(async () => {
  if (stopped) await broker('start');
});

describe.runIf(run.controlUrl !== null || Boolean(process.env.CI))('the entity cache during a broker outage', () => {
  it('serves no value older than the fallback TTL while the broker is stopped, and recovers after', async () => {
    if (!run.controlUrl) throw new Error('KAFKA_BROKERS names an external broker, which this suite cannot stop: unset it so the run starts its own');
    const fallbackMs = 2_000;
    const outageAfterMs = 1_000;
    const on = await startRouter('cache-broker-pause', { ENTITY_CACHE_ENABLED: 'true', ENTITY_CACHE_FALLBACK_TTL_SECONDS: String(fallbackMs / 1000), ENTITY_CACHE_OUTAGE_AFTER_MS: String(outageAfterMs) });
    await eventually(async () => expect(await counter(on, 'entity_cache_invalidation_up')).toBe(1), { timeoutMs: 60_000 });
    const admin = await asAdmin();
    const product = await createProduct({ amountCents: 900 });
    const price = async () =>
      (await on.client.data<{ product: { price: { amountCents: string } } }>('query($id: ID!) { product(id: $id) { id price { amountCents } } }', { id: product.id })).product.price.amountCents;
    await untilCached(on, price);
    expect(await price()).toBe('900');

    await broker('stop');
    stopped = true;
    const stoppedAt = Date.now();
    // The write commits in products; its event waits in the outbox, so no purge can come.
    await admin.client.data('mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }', { id: product.id, input: { price: { amountCents: '901' } } });
    const stale: number[] = [];
    await eventually(
      async () => {
        const startedAt = Date.now();
        const seen = await price();
        if (seen === '900') stale.push(startedAt - stoppedAt);
        expect(seen).toBe('901');
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    // Old answers only until the outage was noticed and the entry passed the fallback TTL (plus a fetch wait).
    expect(stale.filter((ms) => ms > outageAfterMs + fallbackMs + 1_000)).toEqual([]);
    await eventually(async () => expect(await counter(on, 'entity_cache_invalidation_up')).toBe(0), { timeoutMs: 10_000 });

    await broker('start');
    stopped = false;
    await eventually(async () => expect(await counter(on, 'entity_cache_invalidation_up')).toBe(1), { timeoutMs: 90_000, intervalMs: 500 });
  }, 180_000);
});

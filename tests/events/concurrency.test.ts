import { describe, expect, it } from 'vitest';
import { signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { eventually } from '../support/run.js';
import { orderStatus, placeOrder, productFacts } from '../support/shop.js';

describe('the stock reservation saga under contention', () => {
  it('20 concurrent orders for a product with stock 5: exactly 5 CONFIRMED, stock 0, never below', async () => {
    const product = await createProduct({ stock: 5 });
    const buyers = await Promise.all(Array.from({ length: 20 }, (_, i) => signUp(`Racer${i}`)));
    const orders = await Promise.all(buyers.map(async (buyer) => ({ buyer, id: await placeOrder(buyer, [{ productId: product.id, quantity: 1 }]) })));

    const statuses = await eventually(
      async () => {
        const all = await Promise.all(orders.map(({ buyer, id }) => orderStatus(buyer, id)));
        expect(all.filter((s) => s === 'PENDING')).toEqual([]);
        return all;
      },
      { timeoutMs: 30_000 },
    );
    expect(statuses.filter((s) => s === 'CONFIRMED')).toHaveLength(5);
    expect(statuses.filter((s) => s === 'REJECTED')).toHaveLength(15);
    expect((await productFacts(product.id)).stock).toBe(0);
  });
});

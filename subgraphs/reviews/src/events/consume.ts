/** What the reviews service learns from other services: which products exist, and who bought what. */
import type { Handlers } from '@commerce/kit/events/consumer';
import type { PayloadOf } from '@commerce/kit/events/catalog';
import type { Tx } from '../db.js';

async function knowProduct(tx: Tx, { productId, version }: PayloadOf<'ProductCreated'>): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO known_products (id, version) VALUES (${productId}::uuid, ${version})
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version WHERE known_products.version < EXCLUDED.version`;
}

export const reviewHandlers: Handlers<Tx> = {
  ProductCreated: (product, { tx }) => knowProduct(tx, product),
  ProductUpdated: (product, { tx }) => knowProduct(tx, product),

  // A run of confirmed orders' purchases in one INSERT (a line seen before is skipped).
  OrderConfirmed: {
    batch: async (items, { tx }) => {
      await tx.purchase.createMany({
        data: items.flatMap(({ payload: { orderId, buyerId, items: lines } }) => lines.map(({ productId }) => ({ orderId, buyerId, productId }))),
        skipDuplicates: true,
      });
    },
  },

  OrderCancelled: async ({ orderId, wasConfirmed }, { tx }) => {
    if (wasConfirmed) await tx.purchase.deleteMany({ where: { orderId } });
  },
};

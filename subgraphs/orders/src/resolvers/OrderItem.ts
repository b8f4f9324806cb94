import type { OrderItemRow } from '../db.js';

export const OrderItem = {
  product: (item: OrderItemRow) => ({ __typename: 'Product', id: item.productId }),

  unitPrice: (item: OrderItemRow) => ({ amountCents: item.unitPriceCents, currency: item.currency }),
};

import { isUuid } from '@commerce/kit/errors';
import type { Context } from '../context.js';
import type { OrderRow } from '../db.js';
import { statusHistory } from '../domain/status-history.js';

export const Order = {
  __resolveReference: (reference: { id: string }, ctx: Context) =>
    isUuid(reference.id) ? ctx.loaders.orderById.load(reference.id.toLowerCase()) : null,

  buyer: (order: OrderRow) => ({ __typename: 'User', id: order.buyerId }),

  items: (order: OrderRow, _: unknown, ctx: Context) => ctx.loaders.itemsByOrder.load(order.id),

  total: (order: OrderRow) => ({ amountCents: order.totalCents, currency: order.currency }),

  statusHistory: (order: OrderRow) => statusHistory(order),
};

import { notFound, requireId } from '@commerce/kit/errors';
import type { PageArgs } from '@commerce/kit/pagination';
import type { Context } from '../context.js';
import type { OrderStatus } from '../db.js';

export const Query = {
  order: async (_: unknown, args: { id: string }, ctx: Context) => {
    const order = await ctx.loaders.orderById.load(requireId('id', args.id));
    if (!order) throw notFound('Order', args.id);
    return order;
  },

  orders: (_: unknown, args: PageArgs & { status?: OrderStatus | null }, ctx: Context) => ctx.orders.list(args),
};

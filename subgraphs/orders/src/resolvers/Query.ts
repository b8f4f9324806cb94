import { notFound, requireId } from '@commerce/kit/errors';
import type { Context } from '../context.js';

export const Query = {
  order: async (_: unknown, args: { id: string }, ctx: Context) => {
    const order = await ctx.loaders.orderById.load(requireId('id', args.id));
    if (!order) throw notFound('Order', args.id);
    return order;
  },
};

import { requireId } from '@commerce/kit/errors';
import { viewerOf } from '@commerce/kit/permissions';
import type { Context } from '../context.js';

export const Mutation = {
  placeOrder: (_: unknown, args: { input: unknown }, ctx: Context) => ctx.orders.place(viewerOf(ctx).id, args.input),

  cancelOrder: (_: unknown, args: { id: string }, ctx: Context) => ctx.orders.cancel(requireId('id', args.id)),
};

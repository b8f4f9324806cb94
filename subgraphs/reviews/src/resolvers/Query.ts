import { notFound, requireId } from '@commerce/kit/errors';
import type { Context } from '../context.js';

export const Query = {
  review: async (_: unknown, args: { id: string }, ctx: Context) => {
    const review = await ctx.loaders.reviewById.load(requireId('id', args.id));
    if (!review) throw notFound('Review', args.id);
    return review;
  },
};

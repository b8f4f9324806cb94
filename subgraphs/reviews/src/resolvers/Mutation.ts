import { requireId } from '@commerce/kit/errors';
import { viewerOf } from '@commerce/kit/permissions';
import type { Context } from '../context.js';

export const Mutation = {
  addReview: (_: unknown, args: { input: unknown }, ctx: Context) => ctx.reviews.add(viewerOf(ctx).id, args.input),

  updateReview: (_: unknown, args: { id: string; input: unknown }, ctx: Context) =>
    ctx.reviews.update(requireId('id', args.id), args.input),

  deleteReview: (_: unknown, args: { id: string }, ctx: Context) => ctx.reviews.delete(requireId('id', args.id)),
};

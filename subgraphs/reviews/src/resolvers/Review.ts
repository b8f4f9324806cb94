import { isUuid } from '@commerce/kit/errors';
import type { Context } from '../context.js';
import type { ReviewRow } from '../db.js';

export const Review = {
  __resolveReference: (reference: { id: string }, ctx: Context) =>
    isUuid(reference.id) ? ctx.loaders.reviewById.load(reference.id.toLowerCase()) : null,

  author: (review: ReviewRow) => ({ __typename: 'User', id: review.authorId }),

  product: (review: ReviewRow) => ({ __typename: 'Product', id: review.productId }),

  verifiedPurchase: async (review: ReviewRow, _: unknown, ctx: Context) =>
    (await ctx.loaders.purchases.load(`${review.authorId}:${review.productId}`)).length > 0,
};

import { isAuthenticated, isOwnerOrAdmin, permissions } from '@commerce/kit/permissions';
import { and } from 'graphql-shield';
import { isUuid } from '@commerce/kit/errors';
import type { Context } from './context.js';

/** The review named by the `id` argument, via the request's loader (so the resolver reuses the row). */
const authorOfReview = isOwnerOrAdmin(
  async (_parent: unknown, args: { id: string }, ctx: Context) =>
    isUuid(args.id) ? (await ctx.loaders.reviewById.load(args.id.toLowerCase()))?.authorId : undefined,
  'Only its author or an admin may change this review',
);

export const reviewPermissions = permissions({
  Mutation: {
    addReview: isAuthenticated,
    updateReview: and(isAuthenticated, authorOfReview),
    deleteReview: and(isAuthenticated, authorOfReview),
  },
});

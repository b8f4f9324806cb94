import { and } from 'graphql-shield';
import { isUuid } from '@commerce/kit/errors';
import { isAdmin, isAuthenticated, isOwnerOrAdmin, permissions } from '@commerce/kit/permissions';
import type { Context } from './context.js';
import type { OrderRow } from './db.js';

/** The buyer of the order named by the `id` argument (loaded once per request, reused by the resolver). */
const buyerOfOrderArgument = isOwnerOrAdmin(
  async (_parent: unknown, args: { id: string }, ctx: Context) =>
    isUuid(args.id) ? (await ctx.loaders.orderById.load(args.id.toLowerCase()))?.buyerId : undefined,
  'Only its buyer or an admin may see or cancel this order',
);

export const orderPermissions = permissions({
  Query: { order: and(isAuthenticated, buyerOfOrderArgument), orders: isAdmin },
  Mutation: {
    placeOrder: isAuthenticated,
    cancelOrder: and(isAuthenticated, buyerOfOrderArgument),
  },
  User: { orders: isOwnerOrAdmin((user: { id: string }) => user.id, "Only the user themself or an admin may see a user's orders") },
  // Every field of an order, however it was reached (including entity references from other subgraphs).
  Order: isOwnerOrAdmin((order: OrderRow) => order.buyerId, 'Only its buyer or an admin may see this order'),
});

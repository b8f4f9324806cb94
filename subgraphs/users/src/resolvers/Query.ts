import { notFound, requireId } from '@commerce/kit/errors';
import type { PageArgs } from '@commerce/kit/pagination';
import { viewerOf } from '@commerce/kit/permissions';
import type { Context } from '../context.js';

export const Query = {
  me: (_: unknown, __: unknown, ctx: Context) => ctx.loaders.userById.load(viewerOf(ctx).id),

  user: async (_: unknown, args: { id: string }, ctx: Context) => {
    const user = await ctx.loaders.userById.load(requireId('id', args.id));
    if (!user) throw notFound('User', args.id);
    return user;
  },

  users: (_: unknown, args: PageArgs, ctx: Context) => ctx.users.list(args),
};

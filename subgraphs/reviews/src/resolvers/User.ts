import { loadNewestPage } from '@commerce/kit/loaders';
import type { PageArgs } from '@commerce/kit/pagination';
import type { Context } from '../context.js';

export const User = {
  reviews: (user: { id: string }, args: PageArgs, ctx: Context) =>
    loadNewestPage(ctx.loaders.reviewsByAuthor, user.id, args),
};

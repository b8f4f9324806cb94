import { loadNewestPage } from '@commerce/kit/loaders';
import type { PageArgs } from '@commerce/kit/pagination';
import type { Context } from '../context.js';

export const User = {
  orders: (user: { id: string }, args: PageArgs, ctx: Context) => loadNewestPage(ctx.loaders.ordersByBuyer, user.id, args),
};

import { loadNewestPage } from '@commerce/kit/loaders';
import type { PageArgs } from '@commerce/kit/pagination';
import type { Context } from '../context.js';

export const Product = {
  reviews: (product: { id: string }, args: PageArgs, ctx: Context) =>
    loadNewestPage(ctx.loaders.reviewsByProduct, product.id, args),
};

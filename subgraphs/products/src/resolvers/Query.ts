import { badUserInput, notFound, requireId } from '@commerce/kit/errors';
import type { Context } from '../context.js';
import type { ProductListArgs } from '../domain/product-service.js';

export const Query = {
  product: async (_: unknown, args: { id?: string | null; sku?: string | null }, ctx: Context) => {
    if ((args.id == null) === (args.sku == null)) throw badUserInput('id', 'id: give exactly one of id and sku');
    const product = args.id != null
      ? await ctx.loaders.productById.load(requireId('id', args.id))
      : await ctx.loaders.productBySku.load(args.sku as string);
    if (!product) throw notFound('Product', args.id ?? (args.sku as string));
    return product;
  },

  products: async (_: unknown, args: ProductListArgs, ctx: Context) => (await ctx.catalogPage(args)) ?? ctx.products.list(args),
};

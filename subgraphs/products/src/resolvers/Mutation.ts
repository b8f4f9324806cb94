import { requireId } from '@commerce/kit/errors';
import type { Context } from '../context.js';

export const Mutation = {
  createProduct: (_: unknown, args: { input: unknown }, ctx: Context) => ctx.products.create(args.input),

  updateProduct: (_: unknown, args: { id: string; input: unknown }, ctx: Context) =>
    ctx.products.update(requireId('id', args.id), args.input),
};

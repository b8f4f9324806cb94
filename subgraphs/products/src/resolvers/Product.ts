import { isUuid } from '@commerce/kit/errors';
import type { Context } from '../context.js';
import type { ProductRow } from '../db.js';
import { storedImages } from '../domain/images.js';

export const Product = {
  __resolveReference: (reference: { id?: string; sku?: string }, ctx: Context) => {
    if (reference.id !== undefined) return isUuid(reference.id) ? ctx.loaders.productById.load(reference.id.toLowerCase()) : null;
    return reference.sku !== undefined ? ctx.loaders.productBySku.load(reference.sku) : null;
  },

  price: (product: ProductRow) => ({ amountCents: product.priceCents, currency: product.currency }),

  images: (product: ProductRow) => storedImages(product.images),
};

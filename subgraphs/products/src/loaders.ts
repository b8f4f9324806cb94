/** Per-request DataLoaders: one SQL statement per entity type, however many rows a query touches. */
import { rowLoader } from '@commerce/kit/loaders';
import { sqlReader } from '@commerce/kit/prisma';
import type { Db, ProductRow } from './db.js';

/** Every column of `products`, as the Prisma field names (ProductRow): a new column belongs here too. */
export const PRODUCT_COLUMNS = `id, sku, name, description, price_cents AS "priceCents", currency, stock, active, version,
  created_at AS "createdAt", updated_at AS "updatedAt", average_rating AS "averageRating", review_count AS "reviewCount",
  rating_sum AS "ratingSum", images`;

export function createLoaders(db: Db) {
  const reader = sqlReader(db);
  return {
    // Raw SQL on the hot path (every Product entity fetch): see SqlReader.
    productById: rowLoader(
      (ids: readonly string[]) => reader.rows<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ANY($1::uuid[])`, [ids]),
      (product) => product.id,
    ),
    productBySku: rowLoader(
      (skus: readonly string[]) => reader.rows<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE sku = ANY($1::text[])`, [skus]),
      (product) => product.sku,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

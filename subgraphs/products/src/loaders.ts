/** Per-request DataLoaders: one SQL statement per entity type, however many rows a query touches. */
import { rowLoader } from '@commerce/kit/loaders';
import type { Db } from './db.js';

export function createLoaders(db: Db) {
  return {
    productById: rowLoader(
      (ids: readonly string[]) => db.product.findMany({ where: { id: { in: [...ids] } } }),
      (product) => product.id,
    ),
    productBySku: rowLoader(
      (skus: readonly string[]) => db.product.findMany({ where: { sku: { in: [...skus] } } }),
      (product) => product.sku,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

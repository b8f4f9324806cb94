/** Per-request DataLoaders: one SQL statement per entity type, however many rows a query touches. */
import { rowLoader } from '@commerce/kit/loaders';
import type { Db } from './db.js';

export function createLoaders(db: Db) {
  return {
    userById: rowLoader(
      (ids: readonly string[]) => db.user.findMany({ where: { id: { in: [...ids] } } }),
      (user) => user.id,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

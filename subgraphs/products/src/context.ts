import type { SubgraphScope } from '@commerce/kit/subgraph';
import type { Db } from './db.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { ProductService } from './domain/product-service.js';

export interface Context extends SubgraphScope {
  loaders: Loaders;
  products: ProductService;
}

export function contextFactory(deps: { db: Db; products: ProductService }) {
  return (scope: SubgraphScope): Context => ({
    ...scope,
    loaders: createLoaders(deps.db),
    products: deps.products,
  });
}

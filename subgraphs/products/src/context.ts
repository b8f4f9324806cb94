import type { SubgraphScope } from '@commerce/kit/subgraph';
import type { Connection } from '@commerce/kit/pagination';
import type { Db, ProductRow } from './db.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { ProductListArgs, ProductService } from './domain/product-service.js';
import { readCatalogPage } from './catalog-reader.js';

export interface Context extends SubgraphScope {
  loaders: Loaders;
  products: ProductService;
  /** `Query.products` without a filter on the SQL reader (null: not one it serves; see catalog-reader.ts). */
  catalogPage: (args: ProductListArgs) => Promise<Connection<ProductRow> | null>;
}

export function contextFactory(deps: { db: Db; products: ProductService }) {
  const catalogPage = (args: ProductListArgs) => readCatalogPage(deps.db, args);
  return (scope: SubgraphScope): Context => ({
    ...scope,
    loaders: createLoaders(deps.db),
    products: deps.products,
    catalogPage,
  });
}

import type { SubgraphScope } from '@commerce/kit/subgraph';
import type { Db } from './db.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { OrderService } from './domain/order-service.js';

export interface Context extends SubgraphScope {
  loaders: Loaders;
  orders: OrderService;
}

export function contextFactory(deps: { db: Db; orders: OrderService }) {
  return (scope: SubgraphScope): Context => ({
    ...scope,
    loaders: createLoaders(deps.db),
    orders: deps.orders,
  });
}

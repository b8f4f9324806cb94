import type { SubgraphScope } from '@commerce/kit/subgraph';
import type { Db } from './db.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { ReviewService } from './domain/review-service.js';

export interface Context extends SubgraphScope {
  loaders: Loaders;
  reviews: ReviewService;
}

export function contextFactory(deps: { db: Db; reviews: ReviewService }) {
  return (scope: SubgraphScope): Context => ({
    ...scope,
    loaders: createLoaders(deps.db),
    reviews: deps.reviews,
  });
}

/** The reviews subgraph: reviews, and the product and purchase facts it learns from events. */
import type { Observability } from '@commerce/kit/observability';
import { createSubgraphService, type ServiceParts } from '@commerce/kit/service';
import type { SubgraphServer } from '@commerce/kit/subgraph';
import type { Config } from './config.js';
import { contextFactory } from './context.js';
import { openDb, type Db, type Tx } from './db.js';
import { ReviewService } from './domain/review-service.js';
import { reviewPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

/** A review body is multi-line prose. */
const reviewInputRules = {
  'AddReviewInput.body': { maxLength: 5000, multiline: true },
  'UpdateReviewInput.body': { maxLength: 5000, multiline: true },
};

export const createReviewsService = (config: Config, observability: Observability): Promise<SubgraphServer> =>
  createSubgraphService({
    service: 'reviews',
    config,
    observability,
    openDb,
    eventsWorker: new URL('./events/worker.ts', import.meta.url),
    build: async ({ db, events }: ServiceParts<Db, Tx>) => ({
      schemaFile: new URL('../schema.graphql', import.meta.url),
      resolvers,
      permissions: reviewPermissions,
      inputRules: reviewInputRules,
      createContext: contextFactory({ db, reviews: new ReviewService(db, events, config.REPLICA_WAIT_MS) }),
    }),
  });

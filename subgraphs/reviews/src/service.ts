/** Builds the reviews subgraph from its config: database, review rules, events, the server. */
import { startServiceEvents } from '@commerce/kit/events/runtime';
import { createSubgraphServer, type SubgraphServer } from '@commerce/kit/subgraph';
import type { Observability } from '@commerce/kit/observability';
import type { Config } from './config.js';
import { contextFactory } from './context.js';
import { createDb } from './db.js';
import { ReviewService } from './domain/review-service.js';
import { reviewHandlers } from './events/consume.js';
import { reviewPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export async function createReviewsService(config: Config, observability: Observability): Promise<SubgraphServer> {
  const db = createDb(config, observability.metrics);
  const events = startServiceEvents({ service: 'reviews', config, db, ...observability, handlers: reviewHandlers });
  const reviews = new ReviewService(db, events.writer, config.REPLICA_WAIT_MS);

  return createSubgraphServer(
    {
      schemaFile: new URL('../schema.graphql', import.meta.url),
      resolvers,
      permissions: reviewPermissions,
      createContext: contextFactory({ db, reviews }),
      database: db,
      readiness: { events: events.ready },
      close: events.stop,
    },
    config,
    observability,
  );
}

/** The orders subgraph: orders, the catalog replica fed by products events, and its side of the stock saga. */
import type { Observability } from '@commerce/kit/observability';
import { createSubgraphService } from '@commerce/kit/service';
import type { SubgraphServer } from '@commerce/kit/subgraph';
import type { Config } from './config.js';
import { contextFactory } from './context.js';
import { openDb } from './db.js';
import { Catalog } from './domain/catalog.js';
import { OrderService } from './domain/order-service.js';
import { orderHandlers } from './events/consume.js';
import { orderPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const createOrdersService = (config: Config, observability: Observability): Promise<SubgraphServer> =>
  createSubgraphService({
    service: 'orders',
    config,
    observability,
    openDb,
    handlers: orderHandlers,
    build: async ({ db, events }) => ({
      schemaFile: new URL('../schema.graphql', import.meta.url),
      resolvers,
      permissions: orderPermissions,
      createContext: contextFactory({
        db,
        orders: new OrderService(db, events, new Catalog(db, config.REPLICA_WAIT_MS), config.CURRENCY),
      }),
    }),
  });

/** The orders subgraph: orders, the catalog replica fed by products events, and its side of the stock saga. */
import type { Observability } from '@commerce/kit/observability';
import { createSubgraphService, type ServiceParts } from '@commerce/kit/service';
import type { SubgraphServer } from '@commerce/kit/subgraph';
import type { Config } from './config.js';
import { contextFactory } from './context.js';
import { openDb, type Db, type Tx } from './db.js';
import { Catalog } from './domain/catalog.js';
import { OrderService } from './domain/order-service.js';
import { orderPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const createOrdersService = (config: Config, observability: Observability): Promise<SubgraphServer> =>
  createSubgraphService({
    service: 'orders',
    config,
    observability,
    openDb,
    eventsWorker: new URL('./events/worker.ts', import.meta.url),
    build: async ({ db, events }: ServiceParts<Db, Tx>) => ({
      schemaFile: new URL('../schema.graphql', import.meta.url),
      resolvers,
      permissions: orderPermissions,
      createContext: contextFactory({
        db,
        orders: new OrderService(db, events, new Catalog(db, config.REPLICA_WAIT_MS), config.CURRENCY),
      }),
    }),
  });

/** Builds the orders subgraph from its config: database, catalog replica, events, the server. */
import { startServiceEvents } from '@commerce/kit/events/runtime';
import type { Observability } from '@commerce/kit/observability';
import { createSubgraphServer, type SubgraphServer } from '@commerce/kit/subgraph';
import type { Config } from './config.js';
import { contextFactory } from './context.js';
import { createDb } from './db.js';
import { Catalog } from './domain/catalog.js';
import { OrderService } from './domain/order-service.js';
import { orderHandlers } from './events/consume.js';
import { orderPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export async function createOrdersService(config: Config, observability: Observability): Promise<SubgraphServer> {
  const db = createDb(config, observability.metrics);
  const events = startServiceEvents({ service: 'orders', config, db, ...observability, handlers: orderHandlers });
  const orders = new OrderService(db, events.writer, new Catalog(db, config.REPLICA_WAIT_MS), config.CURRENCY);

  return createSubgraphServer(
    {
      schemaFile: new URL('../schema.graphql', import.meta.url),
      resolvers,
      permissions: orderPermissions,
      createContext: contextFactory({ db, orders }),
      database: db,
      readiness: { events: events.ready },
      close: events.stop,
    },
    config,
    observability,
  );
}

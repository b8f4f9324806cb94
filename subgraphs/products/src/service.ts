/** Builds the products subgraph from its config: database, catalog rules, events, the server. */
import { startServiceEvents } from '@commerce/kit/events/runtime';
import { createSubgraphServer, type SubgraphServer } from '@commerce/kit/subgraph';
import type { Observability } from '@commerce/kit/observability';
import type { Config } from './config.js';
import { contextFactory } from './context.js';
import { createDb } from './db.js';
import { ProductService } from './domain/product-service.js';
import { productHandlers } from './events/consume.js';
import { productPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export async function createProductsService(config: Config, observability: Observability): Promise<SubgraphServer> {
  const db = createDb(config, observability.metrics);
  const events = startServiceEvents({ service: 'products', config, db, ...observability, handlers: productHandlers });
  const products = new ProductService(db, events.writer, config.CURRENCY);

  return createSubgraphServer(
    {
      schemaFile: new URL('../schema.graphql', import.meta.url),
      resolvers,
      permissions: productPermissions,
      createContext: contextFactory({ db, products }),
      database: db,
      readiness: { events: events.ready },
      close: events.stop,
    },
    config,
    observability,
  );
}

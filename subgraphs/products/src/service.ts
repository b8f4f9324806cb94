/** The products subgraph: the catalog, stock, and the rating and reservation saga driven by events. */
import type { Observability } from '@commerce/kit/observability';
import { createSubgraphService, type ServiceParts } from '@commerce/kit/service';
import type { SubgraphServer } from '@commerce/kit/subgraph';
import type { Config } from './config.js';
import { contextFactory } from './context.js';
import { openDb, type Db, type Tx } from './db.js';
import { MAX_IMAGE_ALT_LENGTH, MAX_IMAGE_URL_LENGTH } from './domain/images.js';
import { ProductService } from './domain/product-service.js';
import { productPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

/**
 * Descriptions are multi-line prose; a picture's URL may be a small image inline (a data: URL), and its
 * alt text a sentence or two: the limits images.ts validates. Search text and names keep the default.
 */
const productInputRules = {
  'CreateProductInput.description': { maxLength: 5000, multiline: true },
  'UpdateProductInput.description': { maxLength: 5000, multiline: true },
  'ProductImageInput.url': { maxLength: MAX_IMAGE_URL_LENGTH },
  'ProductImageInput.alt': { maxLength: MAX_IMAGE_ALT_LENGTH },
};

export const createProductsService = (config: Config, observability: Observability): Promise<SubgraphServer> =>
  createSubgraphService({
    service: 'products',
    config,
    observability,
    openDb,
    eventsWorker: new URL('./events/worker.ts', import.meta.url),
    build: async ({ db, events }: ServiceParts<Db, Tx>) => ({
      schemaFile: new URL('../schema.graphql', import.meta.url),
      resolvers,
      permissions: productPermissions,
      inputRules: productInputRules,
      createContext: contextFactory({ db, products: new ProductService(db, events, config.CURRENCY) }),
    }),
  });

/** The users subgraph: token issuer, the seeded admin, accounts, and the counters other services' events move. */
import type { Observability } from '@commerce/kit/observability';
import { createSubgraphService, type ServiceParts } from '@commerce/kit/service';
import type { SubgraphServer } from '@commerce/kit/subgraph';
import type { Config } from './config.js';
import { contextFactory } from './context.js';
import { openDb, type Db, type Tx } from './db.js';
import { UserService } from './domain/user-service.js';
import { createTokenIssuer } from './domain/tokens.js';
import { userPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const createUsersService = (config: Config, observability: Observability): Promise<SubgraphServer> =>
  createSubgraphService({
    service: 'users',
    config,
    observability,
    openDb,
    eventsWorker: new URL('./events/worker.ts', import.meta.url),
    build: async ({ db, events }: ServiceParts<Db, Tx>) => {
      const tokens = await createTokenIssuer(config);
      const users = new UserService(db, events, tokens);
      await users.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
      return {
        schemaFile: new URL('../schema.graphql', import.meta.url),
        resolvers,
        permissions: userPermissions,
        createContext: contextFactory({ db, users, currency: config.CURRENCY }),
        routes: (app) => app.get('/.well-known/jwks.json', async () => tokens.jwks()),
      };
    },
  });

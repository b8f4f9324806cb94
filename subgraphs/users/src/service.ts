/** The users subgraph: token issuer, the seeded admin, accounts, and the counters other services' events move. */
import type { Observability } from '@commerce/kit/observability';
import { createSubgraphService } from '@commerce/kit/service';
import type { SubgraphServer } from '@commerce/kit/subgraph';
import type { Config } from './config.js';
import { contextFactory } from './context.js';
import { openDb } from './db.js';
import { UserService } from './domain/user-service.js';
import { createTokenIssuer } from './domain/tokens.js';
import { userHandlers } from './events/consume.js';
import { userPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export const createUsersService = (config: Config, observability: Observability): Promise<SubgraphServer> =>
  createSubgraphService({
    service: 'users',
    config,
    observability,
    openDb,
    handlers: userHandlers,
    build: async ({ db, events }) => {
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

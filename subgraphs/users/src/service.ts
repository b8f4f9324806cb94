/** Builds the users subgraph from its config: database, token issuer, the seeded admin, the server. */
import { startServiceEvents } from '@commerce/kit/events/runtime';
import { createSubgraphServer, type SubgraphServer } from '@commerce/kit/subgraph';
import type { Observability } from '@commerce/kit/observability';
import type { Config } from './config.js';
import { contextFactory } from './context.js';
import { createDb } from './db.js';
import { UserService } from './domain/user-service.js';
import { createTokenIssuer } from './domain/tokens.js';
import { userHandlers } from './events/consume.js';
import { userPermissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

export async function createUsersService(config: Config, observability: Observability): Promise<SubgraphServer> {
  const db = createDb(config, observability.metrics);
  const tokens = await createTokenIssuer(config);
  const events = startServiceEvents({ service: 'users', config, db, ...observability, handlers: userHandlers });
  const users = new UserService(db, events.writer, tokens);
  await users.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);

  return createSubgraphServer(
    {
      schemaFile: new URL('../schema.graphql', import.meta.url),
      resolvers,
      permissions: userPermissions,
      createContext: contextFactory({ db, users, currency: config.CURRENCY }),
      database: db,
      routes: (app) => app.get('/.well-known/jwks.json', async () => tokens.jwks()),
      readiness: { events: events.ready },
      close: events.stop,
    },
    config,
    observability,
  );
}

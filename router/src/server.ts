/** Builds the router: the HTTP shell, JWT verification, the gateway behind Apollo Server. */
import { ApolloServer } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import { errorMasker, publicCodes } from '@commerce/kit/errors';
import { createHttpShell, type HttpApp } from '@commerce/kit/http';
import { observabilityPlugin, type Observability } from '@commerce/kit/observability';
import type { Server } from '@commerce/kit/run';
import { SERVICES } from '@commerce/kit/service-config';
import type { JWTPayload } from 'jose';
import { AuthError, createVerifier } from './auth.js';
import { subgraphUrl, type Config } from './config.js';
import type { RouterContext } from './context.js';
import { createGateway } from './gateway.js';

/** Codes a client may see from the router, beyond the subgraphs' own. */
const ROUTER_CODES = ['AUTH_ERROR', 'SUBREQUEST_HTTP_ERROR', 'DOWNSTREAM_SERVICE_ERROR'];

declare module 'fastify' {
  interface FastifyRequest {
    claims: JWTPayload | null;
  }
}

export interface RouterServer extends Server {
  app: HttpApp;
}

export async function createRouter(config: Config, { log, metrics }: Observability): Promise<RouterServer> {
  let loaded = false;
  const app = createHttpShell({
    log,
    metrics,
    bodyLimit: config.MAX_BODY_BYTES,
    readiness: {
      supergraph: async () => {
        if (!loaded) throw new Error('supergraph not loaded');
      },
      ...Object.fromEntries(SERVICES.map((service) => [service, () => probe(subgraphUrl(config, service))])),
    },
  });

  const codes = publicCodes(ROUTER_CODES);
  const apollo = new ApolloServer<RouterContext>({
    gateway: createGateway(config, log),
    formatError: errorMasker(codes),
    includeStacktraceInErrorResponses: false,
    introspection: config.NODE_ENV !== 'production',
    plugins: [fastifyApolloDrainPlugin(app), observabilityPlugin<RouterContext>(metrics, codes)],
    logger: log,
  });
  await apollo.start();
  loaded = true;

  const verify = createVerifier(config);
  app.decorateRequest('claims', null);
  app.route<{ Reply: string }>({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    preHandler: async (request, reply) => {
      try {
        request.claims = await verify(request.headers.authorization);
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        return reply
          .status(401)
          .type('application/json')
          .send(JSON.stringify({ errors: [{ message: error.message, extensions: { code: 'AUTH_ERROR' } }] }));
      }
    },
    handler: fastifyApolloHandler(apollo, {
      context: async (request) => ({
        claims: request.claims,
        log: request.log,
        requestId: request.id,
        traceId: request.traceId,
        info: request.info,
      }),
    }),
  });

  return {
    app,
    listen: async () => {
      const address = await app.listen({ host: config.HOST, port: config.PORT });
      log.info({ address }, 'router listening');
      return `${address}/graphql`;
    },
    close: async () => {
      await app.close();
    },
  };
}

/** A subgraph counts as reachable when its /health answers 200. */
async function probe(graphqlUrl: string): Promise<void> {
  const response = await fetch(new URL('/health', graphqlUrl), { signal: AbortSignal.timeout(1500) });
  if (!response.ok) throw new Error(`health answered ${response.status}`);
}

/**
 * Builds a subgraph server from its SDL file, resolvers, permissions and context factory: the Apollo
 * Federation subgraph schema behind graphql-shield, served by Apollo Server inside the HTTP shell.
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { defaultFieldResolver, parse } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import type { IMiddlewareGenerator } from 'graphql-middleware';
import { readViewer, CLAIMS_HEADER, type Viewer } from './auth.js';
import { staticCacheControl } from './cache-control.js';
import { errorMasker, publicCodes } from './errors.js';
import { inputValidation, type StringRules } from './input-validation.js';
import { createHttpShell, type HttpApp, type ReadinessChecks } from './http.js';
import { observabilityPlugin, type Observability, type RequestScope } from './observability.js';
import type { Server } from './run.js';
import { SIGNATURE_HEADER, verifyRequest } from './router-trust.js';
import { Counter } from 'prom-client';

/** The part of a subgraph's config the server itself reads. */
export interface SubgraphSettings {
  HOST: string;
  PORT: number;
  METRICS_PORT: number;
  NODE_ENV: 'development' | 'production' | 'test';
  ROUTER_SHARED_SECRET: string;
  ROUTER_SHARED_SECRET_PREVIOUS?: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody: string;
  }
}

/** What the server needs of a service's Prisma client: a probe for /ready and a way to let go. */
export interface Database {
  $queryRawUnsafe(query: string): Promise<unknown>;
  $disconnect(): Promise<void>;
}

/** The request-independent part every subgraph context starts from. */
export interface SubgraphScope extends RequestScope {
  viewer: Viewer | null;
}

export interface SubgraphDefinition<C extends SubgraphScope> {
  /** Path of the subgraph's `schema.graphql`, the contract composition reads too. */
  schemaFile: URL;
  resolvers: GraphQLResolverMap<C>;
  permissions: IMiddlewareGenerator<unknown, C, unknown>;
  /** String inputs that differ from one line of at most 256 characters (see input-validation.ts). */
  inputRules?: StringRules;
  createContext: (scope: SubgraphScope) => C;
  /** Probed by /ready and disconnected last on shutdown. */
  database: Database;
  /** Readiness checks beyond the database (e.g. the Kafka consumers). */
  readiness?: ReadinessChecks;
  /** Extra HTTP routes (the users service serves its JWKS). */
  routes?: (app: HttpApp) => void;
  /** Stops what the service runs besides HTTP (consumers, relays) before the database closes. */
  close?: () => Promise<void>;
}

export interface SubgraphServer extends Server {
  app: HttpApp;
}

export async function createSubgraphServer<C extends SubgraphScope>(
  definition: SubgraphDefinition<C>,
  settings: SubgraphSettings,
  { log, metrics }: Observability,
): Promise<SubgraphServer> {
  const typeDefs = parse(readFileSync(definition.schemaFile, 'utf8'));
  const subgraphSchema = buildSubgraphSchema({ typeDefs, resolvers: definition.resolvers as GraphQLResolverMap<unknown> });
  // Permissions outermost: an unauthorised caller is refused before its input is looked at.
  const schema = applyMiddleware(subgraphSchema, definition.permissions, inputValidation(subgraphSchema, definition.inputRules));
  const { database } = definition;
  const app = createHttpShell({
    log,
    metrics,
    readiness: { database: () => database.$queryRawUnsafe('SELECT 1'), ...definition.readiness },
    metricsListen: { host: settings.HOST, port: settings.METRICS_PORT },
  });
  const codes = publicCodes();
  const apollo = new ApolloServer<C>({
    schema,
    formatError: errorMasker(codes),
    includeStacktraceInErrorResponses: false,
    introspection: settings.NODE_ENV !== 'production',
    // Apollo's cache-control plugin would wrap every field of the schema; the same header from static hints.
    plugins: [fastifyApolloDrainPlugin(app), observabilityPlugin<C>(metrics, codes), ...staticCacheControl<C>(schema, defaultFieldResolver)],
    logger: log,
  });
  await apollo.start();

  // The signature covers the exact bytes received, so keep them while parsing JSON as Fastify would.
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.decorateRequest('rawBody', '');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    parseJson(request, body as string, done);
  });
  const secrets = [settings.ROUTER_SHARED_SECRET, settings.ROUTER_SHARED_SECRET_PREVIOUS].filter((s): s is string => Boolean(s));
  const untrusted = new Counter({
    name: 'untrusted_requests_total',
    help: 'GraphQL requests refused because they did not come through the router',
    registers: [metrics.registry],
  });

  app.route<{ Reply: string }>({
    url: '/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    preHandler: async (request, reply) => {
      if (request.method === 'OPTIONS') return;
      const claims = request.headers[CLAIMS_HEADER];
      const verdict = verifyRequest(secrets, request.headers[SIGNATURE_HEADER], `${request.method} ${request.url}`, typeof claims === 'string' ? claims : undefined, request.rawBody);
      if (verdict.trusted) return;
      untrusted.inc();
      request.log.warn({ requestId: request.id, reason: verdict.reason, remote: request.ip }, 'untrusted request refused');
      return reply
        .status(401)
        .type('application/json')
        .send(JSON.stringify({ errors: [{ message: `Requests must come through the router (${verdict.reason})`, extensions: { code: 'UNAUTHENTICATED' } }] }));
    },
    handler: fastifyApolloHandler(apollo, {
      context: async (request) =>
        definition.createContext({
          viewer: readViewer(request.headers[CLAIMS_HEADER]),
          log: request.log,
          requestId: request.id,
          traceId: request.traceId,
          info: request.info,
        }),
    }),
  });
  definition.routes?.(app);

  let closed = false;
  return {
    app,
    listen: async () => {
      const address = await app.listen({ host: settings.HOST, port: settings.PORT });
      log.info({ address }, 'subgraph listening');
      return `${address}/graphql`;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await definition.close?.();
      await database.$disconnect();
    },
  };
}

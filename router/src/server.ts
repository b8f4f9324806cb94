/**
 * Builds the router: the HTTP shell with CORS, the request pipeline in front of Apollo Server, the
 * gateway behind it, and the plugin that puts removed (unauthorized) fields back as nulls.
 */
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorMasker, publicCodes } from '@commerce/kit/errors';
import { createHttpShell, type HttpApp } from '@commerce/kit/http';
import { observabilityPlugin, type Observability } from '@commerce/kit/observability';
import type { Server } from '@commerce/kit/run';
import { createVerifier } from './auth.js';
import { introspectionEnabled, type Config } from './config.js';
import type { RouterContext } from './context.js';
import { serveCachePurge } from './entity-cache/admin.js';
import { createEntityCache } from './entity-cache/index.js';
import { createGateway } from './gateway.js';
import { serveExplorer } from './explorer.js';
import { createRouterMetrics } from './metrics.js';
import { PersistedQueries } from './persisted-queries.js';
import { createLoginThrottle } from './login-throttle.js';
import { createPipeline } from './pipeline.js';
import { createRateLimiter } from './rate-limit.js';
import { Rejection, reject } from './rejection.js';
import { restoreRemoved, unauthorizedErrors } from './stages/authorize.js';
import { jsonMembers } from './stages/parse.js';
import type { Executed } from './stages/stage.js';
import { createStore } from './store.js';
import { restoreSubgraphHttp } from './subgraph-client.js';

/** Codes a client may see from the router, beyond the subgraphs' own. */
const ROUTER_CODES = [
  'AUTH_ERROR',
  'UNAUTHORIZED_FIELD_OR_TYPE',
  'SUBREQUEST_HTTP_ERROR',
  'GATEWAY_TIMEOUT',
  'DOWNSTREAM_SERVICE_ERROR',
  'PERSISTED_QUERY_NOT_IN_LIST',
];

export interface RouterServer extends Server {
  app: HttpApp;
}

export async function createRouter(config: Config, { log, metrics }: Observability): Promise<RouterServer> {
  const routerMetrics = createRouterMetrics(metrics.registry);
  const store = createStore(config.REDIS_URL, log);
  const persisted = new PersistedQueries(config.PERSISTED_QUERIES_DIR, store, { enabled: config.APQ_ENABLED, ttlSeconds: config.APQ_TTL_SECONDS });
  const limiter = config.RATE_LIMIT_ENABLED
    ? createRateLimiter(store, { max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS, log, onReject: () => routerMetrics.rateLimited.inc() })
    : null;
  const throttle = config.LOGIN_THROTTLE_ENABLED ? createLoginThrottle(store.redis, config.LOGIN_THROTTLE_KEY_PREFIX, log) : null;
  const verify = createVerifier(config);
  const pipeline = createPipeline(config, { verify, persisted, limiter, throttle, metrics: routerMetrics, log });
  const entityCache = createEntityCache(config, store, log, routerMetrics);
  const { gateway, checkSubgraphs, close: closeGateway } = createGateway(config, log, routerMetrics, verify, entityCache?.cache ?? null);
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    pipeline.setSchema(apiSchema, coreSupergraphSdl);
    entityCache?.setSchema(apiSchema);
  });

  // Readiness: the supergraph is loaded, and Redis and every subgraph answered once. Later outages of
  // either do not make the router unready: it keeps serving partial data when a subgraph is down, and
  // when Redis is, the rate limiter fails open and an APQ miss only costs the client a retry, so a cache
  // outage must not take every replica out of service.
  const app = createHttpShell({
    log,
    metrics,
    bodyLimit: config.MAX_BODY_BYTES,
    trustProxy: config.TRUSTED_PROXIES,
    metricsListen: { host: config.HOST, port: config.METRICS_PORT },
    readiness: {
      supergraph: async () => {
        if (!pipeline.ready) throw new Error('supergraph not loaded');
      },
      store: answeredOnce(() => store.ping()),
      // Every subgraph the loaded supergraph names, at the URL it is called at.
      subgraphs: answeredOnce(() => checkSubgraphs()),
    },
  });
  // The default JSON parser (prototype-poisoning checks kept), behind a cheap bound on object members.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonMembers(body as string) <= config.MAX_JSON_MEMBERS) return parseJson(request, body as string, done);
    done(Object.assign(new Error(`JSON body has more than ${config.MAX_JSON_MEMBERS} object members`), { statusCode: 400 }), undefined);
  });
  // Every other media type (forms, text, XML, none) is read as text, within the body limit, rather than
  // refused by Fastify with 415: the parse stage must see it, to answer a cross-site form post with
  // CSRF_ERROR before telling a preflighted one that only JSON is read.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode === 413) await drainBeforeClosing(request, reply);
  });
  await app.register(cors, {
    origin: config.CORS_ORIGINS.includes('*') ? true : config.CORS_ORIGINS,
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'apollo-require-preflight', 'x-apollo-operation-name', 'traceparent', 'x-request-id'],
    // Browsers hide other headers from cross-origin pages: the storefront reads Retry-After to wait as told.
    exposedHeaders: ['retry-after'],
    maxAge: 600,
  });

  const codes = publicCodes(ROUTER_CODES);
  const introspection = introspectionEnabled(config);
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    formatError: restoreSubgraphHttp(errorMasker(codes)),
    includeStacktraceInErrorResponses: false,
    introspection,
    hideSchemaDetailsFromClientErrors: !introspection,
    csrfPrevention: false, // checked by the pipeline, with Apollo's router's CSRF_ERROR code
    persistedQueries: false, // resolved by the pipeline (safelists, APQ in the shared store)
    plugins: [
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginLandingPageDisabled(),
      observabilityPlugin<RouterContext>(metrics, codes),
      restoreRemovedPlugin(),
    ],
    logger: log,
  });
  await apollo.start();
  if (introspection) serveExplorer(app);
  if (entityCache) serveCachePurge(app, entityCache.cache, verify);

  let inFlight = 0;
  const sendRejection = (request: FastifyRequest, reply: FastifyReply, rejection: Rejection) => {
    routerMetrics.rejections.inc({ code: rejection.code });
    metrics.errors.inc({ code: rejection.code });
    request.log.info({ requestId: request.id, code: rejection.code, status: rejection.status }, 'request refused');
    for (const [name, value] of Object.entries(rejection.options.headers ?? {})) reply.header(name, value);
    return reply.status(rejection.status).type('application/json').send(rejection.body());
  };

  // GraphQL-over-HTTP serves GET and POST; any other method on the endpoint is 405 with `Allow`, not 404.
  app.route({
    url: '/graphql',
    method: ['PUT', 'DELETE', 'PATCH'],
    handler: async (request, reply) =>
      sendRejection(request, reply, reject(405, 'METHOD_NOT_ALLOWED', 'The GraphQL endpoint serves GET and POST', {}, { headers: { allow: 'GET, POST' } })),
  });

  app.route({
    url: '/graphql',
    method: ['GET', 'POST'],
    handler: async (request, reply) => {
      if (config.MAX_CONCURRENT_REQUESTS > 0 && inFlight >= config.MAX_CONCURRENT_REQUESTS) {
        return sendRejection(request, reply, reject(503, 'REQUEST_CONCURRENCY_LIMITED', 'Your request has been concurrency limited'));
      }
      inFlight += 1;
      try {
        const prepared = await pipeline.prepare(request);
        if (prepared.kind === 'respond') {
          const { status, body, headers: extra } = prepared.response;
          for (const [name, value] of Object.entries(extra ?? {})) reply.header(name, value);
          return reply.status(status).type('application/json').send(body);
        }
        const { state } = prepared;
        request.info.operationName = prepared.body.operationName ?? null;
        const headers = new HeaderMap();
        for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers.set(name, value);
        headers.set('content-type', 'application/json');
        const context: RouterContext = {
          claims: state.claims,
          removed: state.removed,
          signIns: state.signIns,
          log: request.log,
          requestId: request.id,
          traceId: request.traceId,
          info: request.info,
        };
        const result = await withTimeout(
          apollo.executeHTTPGraphQLRequest({
            httpGraphQLRequest: { method: 'POST', headers, search: '', body: prepared.body },
            context: async () => context,
          }),
          config.ROUTER_TIMEOUT_MS,
        );
        for (const [name, value] of result.headers) reply.header(name, value);
        reply.status(result.status ?? 200);
        let text = '';
        if (result.body.kind === 'complete') text = result.body.string;
        else for await (const chunk of result.body.asyncIterator) text += chunk;
        if (state.after.length > 0) await runAfter(state.after, { status: result.status ?? 200, result: JSON.parse(text) as Executed['result'] }, request);
        return reply.send(text);
      } catch (error) {
        if (error instanceof Rejection) return sendRejection(request, reply, error);
        throw error;
      } finally {
        inFlight -= 1;
      }
    },
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
      await closeGateway();
      await entityCache?.close();
      limiter?.close();
      await store.close();
    },
  };
}

/** How much of an oversized body is read and dropped (and for how long) so its sender can read the 413. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MAX_MS = 10_000;

/**
 * Reads and drops the rest of an oversized request body before the 413 is written, and closes the
 * connection after it. Closing while the client is still sending makes the kernel reset the connection
 * and the client may never read the answer (EPIPE / "fetch failed"); a body past DRAIN_MAX_BYTES or
 * DRAIN_MAX_MS is cut off instead.
 */
async function drainBeforeClosing(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('connection', 'close');
  const body = request.raw;
  if (body.readableEnded || body.destroyed) return;
  await new Promise<void>((resolve) => {
    let received = 0;
    const done = () => {
      clearTimeout(timer);
      body.off('data', onData).off('end', done).off('close', done).off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > DRAIN_MAX_BYTES) done();
    };
    const timer = setTimeout(done, DRAIN_MAX_MS);
    body.on('data', onData).on('end', done).on('close', done).on('error', done);
    body.resume();
  });
}

/** Runs the stages' `after` hooks; a failing hook is logged, never turned into the client's answer. */
async function runAfter(hooks: ((executed: Executed) => Promise<void>)[], executed: Executed, request: FastifyRequest): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook(executed);
    } catch (error) {
      request.log.warn({ err: error, requestId: request.id }, 'after-execution hook failed');
    }
  }
}

/** A readiness check that, once it has passed, passes from then on. */
function answeredOnce(check: () => Promise<void>): () => Promise<void> {
  let answered = false;
  return async () => {
    if (answered) return;
    await check();
    answered = true;
  };
}

/** Unauthorized fields the pipeline removed come back as nulls with their errors, before serialization. */
function restoreRemovedPlugin(): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (contextValue.removed.length > 0) {
            result.data = restoreRemoved(result.data as Record<string, unknown> | null | undefined, contextValue.removed);
            result.errors = [...unauthorizedErrors(contextValue.removed), ...(result.errors ?? [])];
          }
          // A failed root fetch has no path inside the response; say so by leaving it out.
          for (const error of result.errors ?? []) if (error.path?.length === 0) delete (error as { path?: unknown }).path;
        },
      };
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, rejectPromise) => {
    timer = setTimeout(() => rejectPromise(reject(504, 'GATEWAY_TIMEOUT', 'Request timed out')), ms);
  });
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}

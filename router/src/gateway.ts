/**
 * The @apollo/gateway serving the committed supergraph, reloaded when the file changes: the new
 * supergraph is validated by the gateway before it replaces the old one (a broken file is logged and
 * ignored). Each subgraph is called through a SubgraphClient, which signs, traces and guards the
 * request; clients belong to a subgraph name AND the URL it is served from (see SubgraphClients).
 *
 * Routing follows the supergraph: every subgraph is called at its `@join__graph(url:)`, unless
 * SUBGRAPH_URL_OVERRIDES names it (Apollo Router's `override_subgraph_url`).
 */
import { readFile } from 'node:fs/promises';
import { unwatchFile, watchFile } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { LRUCache } from 'lru-cache';
import { ApolloGateway, type GatewayConfig, type GraphQLDataSource, type GraphQLDataSourceProcessOptions, type SupergraphSdlHook } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { CLAIMS_HEADER, encodeClaims } from '@commerce/kit/auth';
import type { Logger } from '@commerce/kit/logger';
import { tracesExported } from '@commerce/kit/telemetry';
import type { Verifier } from './auth.js';
import type { Config } from './config.js';
import type { RouterContext } from './context.js';
import type { RouterMetrics } from './metrics.js';
import { signInTokens, withSignInTokens, withoutSignInTokens } from './sign-in.js';
import type { EntityCache } from './entity-cache/cache.js';
import { SubgraphClient } from './subgraph-client.js';
import { gatewaySupergraph } from './supergraph.js';
import { SubgraphClients, type SubgraphTarget } from './subgraph-clients.js';

/**
 * A subgraph as the gateway sees it. Implemented directly (not as RemoteGraphQLDataSource) because
 * the whole request is ours: headers, body, signing, retries only for queries, and failures returned
 * as GraphQL errors so the gateway answers with partial data and the fetch's path. It looks its client
 * up at each call: the gateway keeps data sources of removed subgraphs and hands them out again when a
 * subgraph comes back at the same URL, after its old client was closed.
 */
class SubgraphDataSource implements GraphQLDataSource<RouterContext> {
  constructor(
    private readonly name: string,
    private readonly cache: EntityCache | null,
    private readonly client: () => SubgraphClient,
    private readonly verify: Verifier,
    private readonly log: Logger,
  ) {}

  async process({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): Promise<GatewayGraphQLResponse> {
    const headers: Record<string, string> = {};
    if (context?.requestId) headers['x-request-id'] = context.requestId;
    if (context?.claims) headers[CLAIMS_HEADER] = claimsHeader(context.claims);
    const { variables, operationName } = request;
    const isMutation = /^\s*mutation\b/.test(request.query ?? '');
    // The gateway's own health checks come without a RouterContext (no signIns).
    const signIns = isMutation && Array.isArray(context?.signIns) && context.signIns.length > 0 ? context.signIns : null;
    const query = signIns && request.query ? withSignInTokens(request.query, signIns) : request.query;
    const send = async (fetch: { query?: string; variables?: Record<string, unknown>; operationName?: string }) => {
      const answer = await this.client().sendWithPolicy(JSON.stringify({ query: fetch.query, variables: fetch.variables, operationName: fetch.operationName }), headers, !isMutation);
      return { response: answer.response as GatewayGraphQLResponse, cacheControl: answer.cacheControl };
    };
    // The gateway's own health checks (no RouterContext) bypass the entity cache.
    const response =
      this.cache && context?.requestId
        ? await this.cache.fetch(this.name, { query, variables, operationName }, context.claims as { sub?: unknown; scope?: unknown } | null, send)
        : (await send({ query, variables, operationName })).response;
    if (signIns) {
      await this.adoptSignIn(response, context as RouterContext);
      withoutSignInTokens(response.data, signIns);
    }
    return response;
  }

  /**
   * A `signUp` / `logIn` answered with a token: the request's later fetches are signed with that
   * token's claims, once it verifies exactly as a request's bearer token would (sign-in.ts). A token
   * that does not verify is logged and ignored; a failed sign-in carries none.
   */
  private async adoptSignIn(response: GatewayGraphQLResponse, context: RouterContext): Promise<void> {
    for (const token of signInTokens(response.data, context.signIns)) {
      try {
        const claims = await this.verify(`Bearer ${token}`);
        if (claims) context.claims = claims;
      } catch (error) {
        this.log.warn({ err: error, requestId: context.requestId }, 'a sign-in returned a token that does not verify; claims unchanged');
      }
    }
  }
}

/**
 * The claims header of a verified payload, encoded once: the verifier hands out the same payload object
 * for every request with the same token, and a request sends it with each of its subgraph fetches.
 */
const encodedClaims = new WeakMap<object, string>();
function claimsHeader(claims: object): string {
  let encoded = encodedClaims.get(claims);
  if (encoded === undefined) {
    encoded = encodeClaims(claims as Record<string, unknown>);
    encodedClaims.set(claims, encoded);
  }
  return encoded;
}

type QueryPlanCache = NonNullable<NonNullable<GatewayConfig['queryPlannerConfig']>['cache']>;
type QueryPlan = NonNullable<Awaited<ReturnType<QueryPlanCache['get']>>>;

/** What the gateway's own plan store holds by default: plans of about 30 MiB in all. */
const PLAN_STORE_BYTES = 30 * 2 ** 20;

/**
 * Roughly the bytes a plan keeps alive (its subgraph operations' text, twice for their parsed and
 * printed forms, plus a fixed allowance per node), found by walking its nodes. Sizes only bound the
 * store; the gateway's default computes them by JSON-encoding each plan it stores, once per new
 * document, which costs more than the walk.
 */
export function approximatePlanBytes(plan: QueryPlan): number {
  let bytes = 64;
  const pending: unknown[] = [plan.node];
  while (pending.length > 0) {
    const node = pending.pop() as Record<string, unknown> | null | undefined;
    if (!node || typeof node !== 'object') continue;
    bytes += 256;
    if (node.kind === 'Fetch') {
      bytes += 2 * String(node.operation ?? '').length;
      continue;
    }
    // Sequence/Parallel: nodes; Flatten/Subscription: node, primary, rest; Condition: ifClause,
    // elseClause; Defer: primary, deferred (each with its own node).
    for (const key of ['nodes', 'node', 'primary', 'rest', 'ifClause', 'elseClause', 'deferred']) {
      const child = node[key];
      if (Array.isArray(child)) pending.push(...child);
      else if (child) pending.push(child);
    }
  }
  return bytes;
}

/**
 * The gateway's query plan store (`queryPlannerConfig.cache`): the default's LRU bound in bytes, with
 * sizes from `approximatePlanBytes` rather than from JSON-encoding each plan.
 */
export function queryPlanStore(maxBytes = PLAN_STORE_BYTES): QueryPlanCache {
  const plans = new LRUCache<string, QueryPlan>({ maxSize: maxBytes, sizeCalculation: (plan) => Math.max(1, approximatePlanBytes(plan)) });
  return {
    get: async (key) => plans.get(key),
    set: async (key, plan) => {
      plans.set(key, plan);
    },
    delete: async (key) => plans.delete(key),
    clear: () => plans.clear(),
  };
}

/**
 * The gateway, with every execution counted against the supergraph generation it started on, so the
 * clients a reload retires are closed only once no execution that may still call them is running.
 * The gateway plans and snapshots its data sources synchronously after the executor starts (only
 * microtasks in between), and reloads run in their own macrotask, so the generation seen here is the
 * one the execution's plan and data sources belong to.
 */
class TrackedGateway extends ApolloGateway {
  constructor(
    config: GatewayConfig,
    private readonly clients: SubgraphClients,
  ) {
    super(config);
  }

  override async load(options?: Parameters<ApolloGateway['load']>[0]): ReturnType<ApolloGateway['load']> {
    const loaded = await super.load(options);
    return {
      ...loaded,
      executor: async (requestContext) => {
        const release = this.clients.begin();
        try {
          return await loaded.executor(requestContext);
        } finally {
          release();
        }
      },
    };
  }
}

export interface RouterGateway {
  gateway: ApolloGateway;
  /** Resolves once every subgraph of the current supergraph has answered a `{ __typename }` query. */
  checkSubgraphs: () => Promise<void>;
  /** The subgraphs of the current supergraph and the URL each is called at. */
  targets: () => SubgraphTarget[];
  close: () => Promise<void>;
}

export function createGateway(config: Config, log: Logger, metrics: RouterMetrics, verify: Verifier, cache: EntityCache | null = null): RouterGateway {
  const clients = new SubgraphClients({
    overrides: config.SUBGRAPH_URL_OVERRIDES,
    log,
    metrics,
    create: (name, url) =>
      new SubgraphClient({
        name,
        url,
        secret: config.ROUTER_SHARED_SECRET,
        timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
        retries: config.SUBGRAPH_RETRIES,
        retryBudgetRatio: config.RETRY_BUDGET_RATIO,
        breakerFailures: config.BREAKER_FAILURES,
        breakerHalfOpenMs: config.BREAKER_HALF_OPEN_MS,
        deduplicate: config.SUBGRAPH_DEDUPLICATE,
        spans: tracesExported(),
        log,
        metrics,
      }),
  });

  const gateway = new TrackedGateway(
    {
      logger: log,
      queryPlannerConfig: { cache: queryPlanStore() },
      supergraphSdl: (options) => watchSupergraph(config, options, clients, log, metrics),
      buildService: ({ name, url }) => new SubgraphDataSource(name, cache, () => clients.client(name, url ?? ''), verify, log),
    },
    clients,
  );
  return {
    gateway,
    checkSubgraphs: () => clients.check(),
    targets: () => clients.targets(),
    close: async () => {
      await gateway.stop();
      await clients.close();
    },
  };
}

/** The subgraphs a supergraph names, with their routing URLs (`@join__graph(name:, url:)`). */
export function subgraphsOf(supergraphSdl: string): SubgraphTarget[] {
  return Supergraph.build(gatewaySupergraph(supergraphSdl), { validateSupergraph: false })
    .subgraphsMetadata()
    .map(({ name, url }) => ({ name, url }));
}

async function watchSupergraph(config: Config, { update }: Parameters<SupergraphSdlHook>[0], clients: SubgraphClients, log: Logger, metrics: RouterMetrics) {
  const file = config.SUPERGRAPH_PATH;
  let current = await readFile(file, 'utf8');
  const reload = async () => {
    let next: string;
    try {
      next = await readFile(file, 'utf8');
    } catch (error) {
      log.warn({ err: error, file }, 'supergraph file unreadable; keeping the current one');
      return;
    }
    if (next === current) return;
    try {
      const subgraphs = subgraphsOf(next);
      update(gatewaySupergraph(next));
      // After the gateway took it: a rejected supergraph leaves the clients as they were.
      clients.adopt(subgraphs);
      current = next;
      metrics.supergraphReloads.inc({ outcome: 'loaded' });
      log.info({ file, subgraphs: clients.targets() }, 'supergraph reloaded');
    } catch (error) {
      metrics.supergraphReloads.inc({ outcome: 'rejected' });
      log.error({ err: error, file }, 'new supergraph rejected; keeping the current one');
    }
  };
  clients.adopt(subgraphsOf(current));
  log.info({ file, subgraphs: clients.targets() }, 'supergraph loaded');
  watchFile(file, { interval: config.SUPERGRAPH_POLL_MS }, () => void reload());
  return {
    supergraphSdl: gatewaySupergraph(current),
    cleanup: async () => unwatchFile(file),
  };
}

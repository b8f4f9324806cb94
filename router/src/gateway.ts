/**
 * The @apollo/gateway serving the committed supergraph, reloaded when the file changes: the new
 * supergraph is validated by the gateway before it replaces the old one (a broken file is logged and
 * ignored), and requests already running finish on the plan they started with. Each subgraph is called
 * through its SubgraphClient, which signs, traces and guards the request.
 */
import { readFile } from 'node:fs/promises';
import { unwatchFile, watchFile } from 'node:fs';
import { ApolloGateway, type GraphQLDataSource, type GraphQLDataSourceProcessOptions, type SupergraphSdlHook } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { CLAIMS_HEADER, encodeClaims } from '@commerce/kit/auth';
import type { Logger } from '@commerce/kit/logger';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { subgraphUrl, type Config } from './config.js';
import type { RouterContext } from './context.js';
import type { RouterMetrics } from './metrics.js';
import { SubgraphClient } from './subgraph-client.js';
import { gatewaySupergraph } from './supergraph.js';

/**
 * A subgraph as the gateway sees it. Implemented directly (not as RemoteGraphQLDataSource) because
 * the whole request is ours: headers, body, signing, retries only for queries, and failures returned
 * as GraphQL errors so the gateway answers with partial data and the fetch's path.
 */
class SubgraphDataSource implements GraphQLDataSource<RouterContext> {
  constructor(private readonly client: SubgraphClient) {}

  async process({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): Promise<GatewayGraphQLResponse> {
    const headers: Record<string, string> = {};
    if (context?.requestId) headers['x-request-id'] = context.requestId;
    if (context?.claims) headers[CLAIMS_HEADER] = encodeClaims(context.claims);
    const { query, variables, operationName } = request;
    const isMutation = /^\s*mutation\b/.test(query ?? '');
    const body = JSON.stringify({ query, variables, operationName });
    return (await this.client.send(body, headers, !isMutation)) as GatewayGraphQLResponse;
  }
}

function isService(name: string): name is ServiceName {
  return (SERVICES as readonly string[]).includes(name);
}

export interface RouterGateway {
  gateway: ApolloGateway;
  close: () => Promise<void>;
}

export function createGateway(config: Config, log: Logger, metrics: RouterMetrics): RouterGateway {
  const clients = new Map<string, SubgraphClient>();
  const clientFor = (name: string, url: string) => {
    let client = clients.get(name);
    if (!client) {
      client = new SubgraphClient({
        name,
        url: isService(name) ? subgraphUrl(config, name) : url,
        secret: config.ROUTER_SHARED_SECRET,
        timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
        retries: config.SUBGRAPH_RETRIES,
        retryBudgetRatio: config.RETRY_BUDGET_RATIO,
        breakerFailures: config.BREAKER_FAILURES,
        breakerHalfOpenMs: config.BREAKER_HALF_OPEN_MS,
        deduplicate: config.SUBGRAPH_DEDUPLICATE,
        log,
        metrics,
      });
      clients.set(name, client);
    }
    return client;
  };

  const gateway = new ApolloGateway({
    logger: log,
    supergraphSdl: (options) => watchSupergraph(config, options, log, metrics),
    buildService: ({ name, url }) => new SubgraphDataSource(clientFor(name, url ?? '')),
  });
  return {
    gateway,
    close: async () => {
      await gateway.stop();
      await Promise.all([...clients.values()].map((client) => client.close()));
    },
  };
}

async function watchSupergraph(config: Config, { update }: Parameters<SupergraphSdlHook>[0], log: Logger, metrics: RouterMetrics) {
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
      update(gatewaySupergraph(next));
      current = next;
      metrics.supergraphReloads.inc({ outcome: 'loaded' });
      log.info({ file }, 'supergraph reloaded');
    } catch (error) {
      metrics.supergraphReloads.inc({ outcome: 'rejected' });
      log.error({ err: error, file }, 'new supergraph rejected; keeping the current one');
    }
  };
  watchFile(file, { interval: config.SUPERGRAPH_POLL_MS }, () => void reload());
  return {
    supergraphSdl: gatewaySupergraph(current),
    cleanup: async () => unwatchFile(file),
  };
}

/**
 * The @apollo/gateway serving the committed supergraph. Each subgraph fetch carries the verified
 * claims, the request id and the trace context; subgraph URLs come from config, so one supergraph
 * file serves every environment.
 */
import { readFile } from 'node:fs/promises';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CLAIMS_HEADER, encodeClaims } from '@commerce/kit/auth';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { traceHeaders } from '@commerce/kit/tracing';
import type { Logger } from '@commerce/kit/logger';
import { subgraphUrl, type Config } from './config.js';
import type { RouterContext } from './context.js';
import { gatewaySupergraph } from './supergraph.js';

class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = request.http?.headers;
    if (!headers || !context) return;
    headers.set('x-request-id', context.requestId);
    for (const [name, value] of Object.entries(traceHeaders())) headers.set(name, value);
    if (context.claims) headers.set(CLAIMS_HEADER, encodeClaims(context.claims));
  }
}

function isService(name: string): name is ServiceName {
  return (SERVICES as readonly string[]).includes(name);
}

export function createGateway(config: Config, log: Logger): ApolloGateway {
  return new ApolloGateway({
    logger: log,
    supergraphSdl: async () => ({ supergraphSdl: gatewaySupergraph(await readFile(config.SUPERGRAPH_PATH, 'utf8')) }),
    buildService: ({ name, url }) =>
      new SubgraphDataSource({ url: isService(name) ? subgraphUrl(config, name) : url }),
  });
}

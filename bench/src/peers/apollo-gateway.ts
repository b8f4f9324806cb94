/**
 * The stock peer: @apollo/gateway inside @apollo/server's standalone server, with their defaults.
 * Only two things are added, both needed to answer at all: the subgraphs' signing (peers/subgraph-trust)
 * and the supergraph's SECURITY links marked as the gateway accepts them (it refuses `for: SECURITY`
 * features it cannot enforce; the same rewrite our router applies before handing it the supergraph).
 *
 * Environment: PORT, SUPERGRAPH_PATH, JWKS_URL, ROUTER_SHARED_SECRET.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway-stock';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { gatewaySupergraph } from '../../../router/src/supergraph.js';
import { peerTrust } from './subgraph-trust.js';

interface Context {
  claims: string | undefined;
}

const trust = peerTrust();

class SignedDataSource extends RemoteGraphQLDataSource<Context> {
  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<Context>['willSendRequest']>>[0]) {
    // The bytes RemoteGraphQLDataSource will send: the query first, then the rest, without `http`.
    const { query, http: _http, ...rest } = request;
    const body = JSON.stringify({ query, ...rest });
    for (const [name, value] of Object.entries(trust.headersFor(context.claims, body))) request.http?.headers.set(name, value);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: gatewaySupergraph(readFileSync(process.env.SUPERGRAPH_PATH!, 'utf8')),
  buildService: ({ url }) => new SignedDataSource({ url }),
});
const server = new ApolloServer<Context>({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port: Number(process.env.PORT) },
  context: async ({ req }) => ({ claims: await trust.claimsOf(req.headers.authorization) }),
});
process.stdout.write(`apollo gateway at ${url}\n`);

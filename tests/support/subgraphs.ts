/**
 * Small subgraphs built in a test: an @apollo/subgraph schema served over HTTP on a free port (the
 * same wire protocol as our services, without their databases), and composition of a supergraph from
 * subgraphs with @apollo/composition, as `npm run compose` does. Each server counts the requests it
 * answered and the connections open to it, so tests can tell which address served a request and
 * whether a client closed its pool.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { composeServices } from '@apollo/composition';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse } from 'graphql';
import { afterAll } from 'vitest';

export interface SubgraphDefinition {
  name: string;
  typeDefs: string;
  resolvers?: GraphQLResolverMap<unknown>;
}

export interface TestSubgraph {
  name: string;
  url: string;
  typeDefs: string;
  /** GraphQL requests answered so far. */
  requests: () => number;
  /** Connections open to this server right now. */
  connections: () => number;
  stop: () => Promise<void>;
}

const running: TestSubgraph[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((subgraph) => subgraph.stop()));
});

async function readBody(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text ? JSON.parse(text) : {};
}

/** Serves one subgraph at `http://127.0.0.1:<port>/graphql` (a free port unless `port` is given). */
export async function serveSubgraph(definition: SubgraphDefinition, port = 0): Promise<TestSubgraph> {
  const apollo = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: parse(definition.typeDefs), resolvers: definition.resolvers ?? {} }),
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    void (async () => {
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers.set(name, value);
      const answer = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method ?? 'POST', headers, search: new URL(request.url ?? '/', 'http://x').search, body: await readBody(request) },
        context: async () => ({}),
      });
      requests += 1;
      response.statusCode = answer.status ?? 200;
      for (const [name, value] of answer.headers) response.setHeader(name, value);
      response.end(answer.body.kind === 'complete' ? answer.body.string : '');
    })().catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  let stopped: Promise<void> | null = null;
  const handle: TestSubgraph = {
    name: definition.name,
    url: `http://127.0.0.1:${address.port}/graphql`,
    typeDefs: definition.typeDefs,
    requests: () => requests,
    connections: () => sockets.size,
    stop: () =>
      (stopped ??= (async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => server.close(resolve));
        await apollo.stop();
      })()),
  };
  running.push(handle);
  return handle;
}

/** Composes a supergraph (Federation 2, @apollo/composition); throws with every composition error. */
export function composeSupergraph(subgraphs: { name: string; url: string; typeDefs: string }[]): string {
  const result = composeServices(subgraphs.map(({ name, url, typeDefs }) => ({ name, url, typeDefs: parse(typeDefs) })));
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((error) => error.message).join('\n')}`);
  return result.supergraphSdl;
}

/**
 * One supergraph served two ways, on the same in-process subgraphs: by OUR router (the real process,
 * every stage of its pipeline, no URL override) and by the stock @apollo/gateway behind a bare Apollo
 * Server in this test process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { afterAll } from 'vitest';
import { dataDir } from '@commerce/stack/paths';
import { startRouter } from '../support/processes.js';
import { composeSupergraph, serveSubgraph, type SubgraphDefinition } from '../support/subgraphs.js';

export interface Answer {
  data?: unknown;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export interface BothRouters {
  ours: (query: string, variables?: Record<string, unknown>) => Promise<Answer>;
  stock: (query: string, variables?: Record<string, unknown>) => Promise<Answer>;
}

const stockServers: ApolloServer[] = [];
afterAll(async () => {
  await Promise.all(stockServers.splice(0).map((server) => server.stop()));
});

/** What a comparison looks at: the data, and each error's message, path and code. */
export const comparable = (answer: Answer) => ({
  data: answer.data,
  errors: answer.errors?.map((error) => ({ message: error.message, path: error.path, code: error.extensions?.code })),
});

export async function serveOnBoth(name: string, subgraphs: SubgraphDefinition[]): Promise<BothRouters> {
  const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const served = await Promise.all(subgraphs.map((subgraph) => serveSubgraph(subgraph)));
  const supergraphSdl = composeSupergraph(served);
  const dir = path.join(dataDir, 'federation', slug);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'supergraph.graphql'), supergraphSdl);
  const stock = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }), includeStacktraceInErrorResponses: false });
  stockServers.push(stock);
  const [router] = await Promise.all([
    startRouter(`federation-${slug}`, { SUPERGRAPH_PATH: path.join(dir, 'supergraph.graphql'), SUBGRAPH_URL_OVERRIDES: '' }),
    stock.start(),
  ]);
  return {
    ours: async (query, variables) => (await router.client.request(query, variables)) as Answer,
    stock: async (query, variables) => {
      const response = await stock.executeOperation({ query, variables });
      if (response.body.kind !== 'single') throw new Error('the stock gateway answered incrementally');
      return response.body.singleResult as Answer;
    },
  };
}

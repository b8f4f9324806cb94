import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Supergraph } from '@apollo/federation-internals';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { GraphQLOutputType, GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { approximatePlanBytes, queryPlanStore } from './gateway.js';
import { gatewaySupergraph } from './supergraph.js';

// The subgraph schemas come from federation-internals, which loads graphql-js as CommonJS: the mock
// executes them with that same copy (vitest would otherwise hand this file the ESM one).
const { execute, getNullableType, isLeafType, isListType, parse } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const supergraphSdl = gatewaySupergraph(readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'));

type Plan = Parameters<typeof approximatePlanBytes>[0];
const fetchNode = (operation: string) => ({ kind: 'Fetch' as const, serviceName: 's', operation, variableUsages: [], operationKind: 'query' as const, operationName: undefined });

describe('query plan store', () => {
  it('sizes a plan by the subgraph operations of every node it reaches', () => {
    const one = approximatePlanBytes({ kind: 'QueryPlan', node: fetchNode('{ a }') } as unknown as Plan);
    const longer = approximatePlanBytes({ kind: 'QueryPlan', node: fetchNode(`{ a ${'b '.repeat(500)}}`) } as unknown as Plan);
    expect(longer - one).toBe(2_000);
    const nested = {
      kind: 'QueryPlan',
      node: { kind: 'Sequence', nodes: [fetchNode('{ a }'), { kind: 'Flatten', path: ['a'], node: { kind: 'Parallel', nodes: [fetchNode('{ a }'), fetchNode('{ a }')] } }] },
    } as unknown as Plan;
    // Three fetches, a sequence, a flatten and a parallel node.
    expect(approximatePlanBytes(nested)).toBe(64 + 6 * 256 + 3 * 2 * '{ a }'.length);
    expect(approximatePlanBytes({ kind: 'QueryPlan' } as unknown as Plan)).toBe(64);
  });

  it('keeps plans within its byte bound, least recently used out first', async () => {
    const plan = (text: string) => ({ kind: 'QueryPlan', node: fetchNode(text) }) as unknown as Plan;
    const store = queryPlanStore(3 * approximatePlanBytes(plan('{ a }')));
    await store.set('a', plan('{ a }'));
    await store.set('b', plan('{ a }'));
    await store.set('c', plan('{ a }'));
    expect(await store.get('a')).toBeDefined(); // now the most recently used
    await store.set('d', plan('{ a }'));
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    store.clear();
    expect(await store.get('c')).toBeUndefined();
  });
});

/** Each subgraph answers from its own schema: lists of two, `"x"`, 1, true, entities as represented. */
function mockSubgraphs(): Map<string, GraphQLSchema> {
  const schemas = new Map<string, GraphQLSchema>();
  for (const subgraph of Supergraph.build(supergraphSdl, { validateSupergraph: false }).subgraphs()) schemas.set(subgraph.name, subgraph.schema.toGraphQLJSSchema());
  return schemas;
}
function mockValue(type: GraphQLOutputType): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [mockValue(nullable.ofType), mockValue(nullable.ofType)];
  if (!isLeafType(nullable)) return {};
  if (nullable.name === 'Int' || nullable.name === 'Float') return 1;
  if (nullable.name === 'Boolean') return true;
  return 'getValues' in nullable ? nullable.getValues()[0]!.value : 'x';
}

describe('gateway (patched): a new document is planned and shaped from one operation', () => {
  it('answers each of a document’s operations, with fragments, by the operation the request names', async () => {
    const schemas = mockSubgraphs();
    const gateway = new ApolloGateway({
      supergraphSdl,
      queryPlannerConfig: { cache: queryPlanStore() },
      buildService: ({ name }) => ({
        async process({ request }) {
          const result = await execute({
            schema: schemas.get(name)!,
            document: parse(request.query!),
            rootValue: {},
            variableValues: request.variables,
            fieldResolver: (source: Record<string, unknown>, args: { representations?: unknown }, _context, info) =>
              info.fieldName in source ? source[info.fieldName] : info.fieldName === '_entities' ? args.representations : mockValue(info.returnType),
            typeResolver: (value: { __typename: string }) => value.__typename,
          });
          return JSON.parse(JSON.stringify(result)) as never;
        },
      }),
    });
    const server = new ApolloServer({ gateway });
    await server.start();
    try {
      const query = `
        query One($sku: String!) { p: product(sku: $sku) { ...Named reviews(first: 1) { edges { node { rating author { name } } } } } }
        query Two { l: products(first: 1) { edges { node { ...Named } } } }
        fragment Named on Product { sku name }`;
      for (let round = 0; round < 2; round += 1) {
        const one = await server.executeOperation({ query, operationName: 'One', variables: { sku: 'S' } });
        const two = await server.executeOperation({ query, operationName: 'Two' });
        expect(one.body).toEqual({
          kind: 'single',
          singleResult: { data: { p: { sku: 'x', name: 'x', reviews: { edges: [{ node: { rating: 1, author: { name: 'x' } } }, { node: { rating: 1, author: { name: 'x' } } }] } } } },
        });
        expect(two.body).toEqual({ kind: 'single', singleResult: { data: { l: { edges: [{ node: { sku: 'x', name: 'x' } }, { node: { sku: 'x', name: 'x' } }] } } } });
      }
    } finally {
      await server.stop();
    }
  });
});

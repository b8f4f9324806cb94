/**
 * The fixtures `schema:check` refuses (schema/test/fixtures/planner-gaps), given resolvers, and the
 * operation that shows each one's wrong answer, next to the answer Federation semantics call for.
 */
import path from 'node:path';
import { repoRoot } from '@commerce/stack/paths';
import { readSubgraphs } from '../../schema/src/composition.js';
import type { SubgraphDefinition } from '../support/subgraphs.js';

export interface PlannerGap {
  fixture: string;
  resolvers: Record<string, SubgraphDefinition['resolvers']>;
  query: string;
  /** The right answer's data. */
  correct: unknown;
}

const COMMENTS = [
  { id: 'c1', authorId: 'a1' },
  { id: 'c2', authorId: 'a2' },
  { id: 'c3', authorId: 'a3' },
];
const PRODUCTS = [
  { upc: 'u1', sku: 's1', priceUsd: 11, weight: 1 },
  { upc: 'u2', sku: 's2', priceUsd: 22, weight: 2 },
];
const A = { id: '1', pId: 'p1', name: 'a.1', compositeId: { one: 'c1', two: 'c2', three: 'c3' } };

export const PLANNER_GAPS: PlannerGap[] = [
  {
    fixture: 'requires-arguments',
    resolvers: {
      posts: {
        Query: { feed: () => [{ id: 'p1' }] },
        Post: { __resolveReference: ({ id }: { id: string }) => ({ id }), comments: (_: unknown, { limit }: { limit: number }) => COMMENTS.slice(0, limit) },
        Comment: { __resolveReference: ({ id }: { id: string }) => COMMENTS.find((comment) => comment.id === id) },
      },
      authors: {
        Post: {
          __resolveReference: (reference: { id: string; comments?: { authorId: string }[] }) => reference,
          author: ({ comments }: { comments?: { authorId: string }[] }) => ({ id: comments?.[2]?.authorId ?? `only ${comments?.length ?? 0} comments required` }),
        },
      },
    },
    query: '{ feed { author { id } comments(limit: 1) { id } } }',
    correct: { feed: [{ author: { id: 'a3' }, comments: [{ id: 'c1' }] }] },
  },
  {
    fixture: 'requires-argument-conflict',
    resolvers: {
      catalog: {
        Query: { products: () => PRODUCTS },
        Product: {
          __resolveReference: ({ upc }: { upc: string }) => PRODUCTS.find((product) => product.upc === upc),
          price: ({ priceUsd }: { priceUsd: number }, { currency }: { currency: string }) => (currency === 'EUR' ? priceUsd * 2 : priceUsd),
        },
      },
      shipping: {
        Product: {
          __resolveReference: (reference: unknown) => reference,
          shippingEstimate: ({ price, weight }: { price: number; weight: number }) => price * weight * 10,
          shippingEstimateEUR: ({ price, weight }: { price: number; weight: number }) => price * weight * 10,
        },
      },
    },
    query: '{ products { upc shippingEstimate shippingEstimateEUR } }',
    correct: { products: [{ upc: 'u1', shippingEstimate: 110, shippingEstimateEUR: 220 }, { upc: 'u2', shippingEstimate: 440, shippingEstimateEUR: 880 }] },
  },
  {
    fixture: 'requires-first-key',
    resolvers: {
      a: { A: { __resolveReference: ({ id }: { id: string }) => (id === A.id ? A : null) } },
      b: {
        Query: { b: () => ({ id: '100', a: [{ id: A.id, pId: A.pId, compositeId: A.compositeId }] }) },
        A: {
          __resolveReference: (reference: { id?: string; name?: string }) => (reference.id === A.id ? { ...A, name: reference.name } : null),
          nameInB: ({ name }: { name?: string }) => `b sees ${name}`,
        },
      },
    },
    query: '{ b { id a { id name nameInB } } }',
    correct: { b: { id: '100', a: [{ id: '1', name: 'a.1', nameInB: 'b sees a.1' }] } },
  },
  {
    fixture: 'unresolvable-interface-object',
    resolvers: {
      a: { Query: { a: () => ({ __typename: 'Node', id: 'n1' }) } },
      b: { Query: { b: () => ({ __typename: 'Node', id: 'n1' }) }, Node: { field: () => 'from b' } },
    },
    // No subgraph can give `field` for a Node reached from `a`: the right answer is an error.
    query: '{ a { field } }',
    correct: 'an error',
  },
];

/** The same features used the ways the planner answers right (the fixture schema:check passes). */
export const SAFE: PlannerGap = {
  fixture: 'safe',
  resolvers: {
    catalog: {
      Query: { products: () => PRODUCTS, node: () => ({ __typename: 'Document', id: 'd1' }) },
      Product: { __resolveReference: (key: { upc?: string; sku?: string }) => PRODUCTS.find((product) => product.upc === key.upc || product.sku === key.sku) },
      Node: { __resolveReference: ({ id }: { id: string }) => ({ __typename: 'Document', id }) },
      Document: { __resolveReference: ({ id }: { id: string }) => ({ id }) },
    },
    shipping: {
      Product: {
        __resolveReference: (reference: unknown) => reference,
        shippingEstimate: ({ priceUsd, weight }: { priceUsd: number; weight: number }) => priceUsd * weight * 10,
      },
      Node: { __resolveReference: ({ id }: { id: string }) => ({ id, origin: `origin of ${id}` }) },
    },
  },
  query: '{ products { upc shippingEstimate } node { id ... on Document { origin } } }',
  correct: { products: [{ upc: 'u1', shippingEstimate: 110 }, { upc: 'u2', shippingEstimate: 440 }], node: { id: 'd1', origin: 'origin of d1' } },
};

/** A fixture's subgraphs with their resolvers, read from schema/test/fixtures/planner-gaps/<fixture>. */
export function definitionsOf(gap: PlannerGap): SubgraphDefinition[] {
  return readSubgraphs(path.join(repoRoot, 'schema/test/fixtures/planner-gaps', gap.fixture, 'rover.yaml')).map((subgraph) => ({
    name: subgraph.name,
    typeDefs: subgraph.sdl,
    resolvers: gap.resolvers[subgraph.name] ?? {},
  }));
}

import { createRequire } from 'node:module';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { describe, expect, it } from 'vitest';
import { staticCacheControl } from './cache-control.js';

// Built the way subgraphs build theirs (@apollo/subgraph, graphql's CommonJS build).
const { parse, defaultFieldResolver } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION

  type PageInfo @shareable @cacheControl(inheritMaxAge: true) { hasNextPage: Boolean! }
  type Money @cacheControl(inheritMaxAge: true) { amount: Int!, currency: String! }
  type Plain { x: Int }
  type Item @key(fields: "id") @cacheControl(maxAge: 300) {
    id: ID!
    name: String!
    price: Money!
    owner: Owner
    secret: String @cacheControl(scope: PRIVATE)
    short: String @cacheControl(maxAge: 30)
    plain: Plain
    inherited: Plain @cacheControl(inheritMaxAge: true)
    fails: String
  }
  type ItemEdge @cacheControl(inheritMaxAge: true) { cursor: String!, node: Item! }
  type ItemConnection @cacheControl(inheritMaxAge: true) { edges: [ItemEdge!]!, pageInfo: PageInfo! }
  type Owner @key(fields: "id") @cacheControl(maxAge: 120) {
    id: ID!
    items(first: Int): ItemConnection
    email: String @cacheControl(scope: PRIVATE)
  }
  type Secret @key(fields: "id") @cacheControl(maxAge: 60, scope: PRIVATE) { id: ID!, note: String }
  type Query {
    items(first: Int): ItemConnection @cacheControl(maxAge: 300)
    item(id: ID!): Item
    me: Owner @cacheControl(maxAge: 300, scope: PRIVATE)
    plainRoot: Plain
    count: Int
    dynamic: Item
    later: Item
  }
  type Mutation { touch(id: ID!): Item }
`);

const item = (id: string) => (id === 'none' ? null : { id, name: `item ${id}`, price: { amount: 5, currency: 'EUR' }, ownerId: `o${id}` });
const connection = (first: number) => ({
  edges: Array.from({ length: first }, (_, i) => ({ cursor: `c${i}`, node: item(String(i)) })),
  pageInfo: { hasNextPage: false },
});

const resolvers = {
  Query: {
    items: (_: unknown, args: { first?: number }) => connection(args.first ?? 2),
    item: (_: unknown, args: { id: string }) => item(args.id),
    me: () => ({ id: 'me' }),
    plainRoot: () => ({ x: 1 }),
    count: () => 3,
    dynamic: (_: unknown, __: unknown, ___: unknown, info: { cacheControl: { setCacheHint(hint: object): void } }) => {
      info.cacheControl.setCacheHint({ maxAge: 10 });
      return item('d');
    },
    // A dynamic hint set after an await, as a resolver may.
    later: async (_: unknown, __: unknown, ___: unknown, info: { cacheControl: { setCacheHint(hint: object): void } }) => {
      await new Promise((resolve) => setImmediate(resolve));
      info.cacheControl.setCacheHint({ maxAge: 20, scope: 'PRIVATE' });
      return item('l');
    },
  },
  Mutation: { touch: (_: unknown, args: { id: string }) => item(args.id) },
  Item: {
    __resolveReference: (reference: { id: string }) => item(reference.id),
    owner: (parent: { ownerId: string }) => (parent.ownerId === 'o0' ? null : { id: parent.ownerId }),
    secret: async () => 'hush',
    short: () => 'brief',
    plain: (parent: { id: string }) => (parent.id === '1' ? null : { x: 2 }),
    inherited: () => ({ x: 3 }),
    fails: () => {
      throw new Error('broken');
    },
  },
  Owner: {
    __resolveReference: (reference: { id: string }) => (reference.id === 'none' ? null : reference),
    items: (_: unknown, args: { first?: number }) => connection(args.first ?? 1),
    email: () => 'a@example.com',
  },
  Secret: { __resolveReference: (reference: { id: string }) => ({ ...reference, note: 'n' }) },
};

/** Two servers on two builds of the same schema: Apollo's cache-control plugin, and the static one. */
async function servers() {
  // Inline tracing (off unless the router asks for ftv1) only adds a log line to each server's start.
  const apollo = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs, resolvers: resolvers as never }), plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
  const ours = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled(), ...staticCacheControl(schema, defaultFieldResolver)] });
  await Promise.all([apollo.start(), ours.start()]);
  return { apollo, ours };
}

const entities = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Item { id name } ... on Owner { id } ... on Secret { id note } } }';

const operations: [string, string, Record<string, unknown>?][] = [
  ['a list, nested pages and inherited money', '{ items(first: 3) { edges { node { id name price { amount } } } pageInfo { hasNextPage } } }'],
  ['an empty list: the item hints never apply', '{ items(first: 0) { edges { node { id } } } }'],
  ['a private scalar inside the list', '{ items(first: 2) { edges { node { id secret } } } }'],
  ['a shorter field hint', '{ items(first: 2) { edges { node { short } } } }'],
  ['an object type without a hint', '{ items(first: 2) { edges { node { plain { x } } } } }'],
  ['an object type without a hint, null on every parent', '{ item(id: "1") { plain { x } } }'],
  ['inheritMaxAge on a field', '{ item(id: "2") { inherited { x } } }'],
  ['a nested entity with a shorter max age', '{ items(first: 3) { edges { node { owner { id email } } } } }'],
  ['a nested entity null where it would restrict', '{ items(first: 1) { edges { node { owner { id } } } } }'],
  ['a root field with a type hint only', '{ item(id: "7") { id name } }'],
  ['a root field answering null', '{ item(id: "none") { id } }'],
  ['a private root field', '{ me { id items(first: 2) { edges { node { id } } } } }'],
  ['a root object without hints', '{ plainRoot { x } }'],
  ['a root scalar without hints', '{ count }'],
  ['a dynamic hint', '{ dynamic { id name } }'],
  ['a dynamic hint after an await', '{ later { id } }'],
  ['an error', '{ item(id: "3") { id fails } }'],
  ['aliases and fragments', '{ a: item(id: "4") { ...F } b: item(id: "5") { ...F secret } } fragment F on Item { id price { currency } }'],
  ['entities of one type', entities, { r: [{ __typename: 'Item', id: '1' }, { __typename: 'Item', id: '2' }] }],
  ['entities of types with different hints', entities, { r: [{ __typename: 'Item', id: '1' }, { __typename: 'Owner', id: 'x' }] }],
  ['a private entity type', entities, { r: [{ __typename: 'Owner', id: 'x' }, { __typename: 'Secret', id: 's' }] }],
  ['an entity that is not found', entities, { r: [{ __typename: 'Owner', id: 'none' }] }],
  ['no representations', entities, { r: [] }],
  ['a mutation', 'mutation { touch(id: "9") { id name } }'],
  ['skipped by a variable', 'query($s: Boolean!) { items(first: 2) { edges { node { id secret @skip(if: $s) } } } }', { s: true }],
  ['included by a variable', 'query($s: Boolean!) { items(first: 2) { edges { node { id secret @skip(if: $s) } } } }', { s: false }],
];

describe('static cache control', () => {
  it('answers the Cache-Control header and body Apollo Server cache-control plugin answers', async () => {
    const { apollo, ours } = await servers();
    try {
      for (const [name, query, variables] of operations) {
        const [expected, actual] = await Promise.all([apollo.executeOperation({ query, variables }), ours.executeOperation({ query, variables })]);
        expect({ name, header: actual.http.headers.get('cache-control'), body: actual.body }).toEqual({
          name,
          header: expected.http.headers.get('cache-control'),
          body: expected.body,
        });
      }
    } finally {
      await Promise.all([apollo.stop(), ours.stop()]);
    }
  });

  it('covers each kind of answer the router reads', async () => {
    const { apollo, ours } = await servers();
    try {
      const headers = await Promise.all(operations.map(([, query, variables]) => ours.executeOperation({ query, variables }).then((r) => r.http.headers.get('cache-control'))));
      expect(new Set(headers)).toEqual(new Set(['max-age=300, public', 'max-age=300, private', 'max-age=120, public', 'max-age=120, private', 'max-age=60, private', 'max-age=30, public', 'max-age=10, public', 'max-age=20, private', 'no-store']));
    } finally {
      await Promise.all([apollo.stop(), ours.stop()]);
    }
  });
});

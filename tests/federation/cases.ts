/**
 * The compliance cases: small supergraphs (subgraphs written here, composed with @apollo/composition),
 * each with operations and the answers Federation 2 semantics call for. compliance.test.ts runs every
 * operation through our router and through the stock @apollo/gateway and requires both to give the
 * expected answer. Errors thrown by resolvers carry a public code (NOT_FOUND), since our router
 * replaces the message of any error without one (it never leaks internals), by design.
 */
import { GraphQLError } from 'graphql';
import type { SubgraphDefinition } from '../support/subgraphs.js';

export interface ComplianceOperation {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** The expected `data`, and the errors as `{ path, code }` (messages are compared between the two routers). */
  expected: { data: unknown; errors?: { path?: (string | number)[]; code: string }[] };
}

export interface ComplianceCase {
  name: string;
  subgraphs: SubgraphDefinition[];
  operations: ComplianceOperation[];
}

const link = (version: string, imports: string[]) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v${version}", import: [${imports.map((name) => `"${name}"`).join(', ')}])`;

const notFound = (message: string) => new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });

const PRODUCTS = [
  { id: 'p1', sku: 'SKU-1', name: 'Lamp', weight: 2, priceCents: 1500 },
  { id: 'p2', sku: 'SKU-2', name: 'Chair', weight: 7, priceCents: 4200 },
];
const byId = (id: string) => PRODUCTS.find((product) => product.id === id) ?? null;
const bySku = (sku: string) => PRODUCTS.find((product) => product.sku === sku) ?? null;

/** An entity with two keys, each known to a different subgraph, resolved through both. */
const entityKeys: ComplianceCase = {
  name: 'entity resolution across keys',
  subgraphs: [
    {
      name: 'catalog',
      typeDefs: `${link('2.3', ['@key'])}
        type Query { products: [Product!]! product(id: ID!): Product }
        type Product @key(fields: "id") @key(fields: "sku") { id: ID! sku: String! name: String! }`,
      resolvers: {
        Query: { products: () => PRODUCTS, product: (_: unknown, { id }: { id: string }) => byId(id) },
        Product: { __resolveReference: (key: { id?: string; sku?: string }) => (key.id ? byId(key.id) : bySku(key.sku!)) },
      },
    },
    {
      name: 'reviews',
      // Knows products by SKU only.
      typeDefs: `${link('2.3', ['@key'])}
        type Query { topReview: Review }
        type Review { body: String! product: Product! }
        type Product @key(fields: "sku") { sku: String! reviews: [Review!]! }`,
      resolvers: {
        Query: { topReview: () => ({ body: 'Bright', product: { sku: 'SKU-1' } }) },
        Product: {
          __resolveReference: ({ sku }: { sku: string }) => ({ sku }),
          reviews: ({ sku }: { sku: string }) => (sku === 'SKU-1' ? [{ body: 'Bright', product: { sku } }] : []),
        },
      },
    },
    {
      name: 'inventory',
      // Knows products by id only.
      typeDefs: `${link('2.3', ['@key'])}
        type Product @key(fields: "id") { id: ID! stock: Int! }`,
      resolvers: { Product: { __resolveReference: ({ id }: { id: string }) => ({ id, stock: id === 'p1' ? 3 : 0 }) } },
    },
  ],
  operations: [
    {
      name: 'from the id key to the sku key',
      query: '{ products { id name stock reviews { body } } }',
      expected: { data: { products: [{ id: 'p1', name: 'Lamp', stock: 3, reviews: [{ body: 'Bright' }] }, { id: 'p2', name: 'Chair', stock: 0, reviews: [] }] } },
    },
    {
      name: 'from the sku key to the id key',
      query: '{ topReview { body product { sku name stock } } }',
      expected: { data: { topReview: { body: 'Bright', product: { sku: 'SKU-1', name: 'Lamp', stock: 3 } } } },
    },
    {
      name: 'an entity that does not exist',
      query: '{ product(id: "nope") { id stock } }',
      expected: { data: { product: null } },
    },
  ],
};

/** @requires (a field computed from another subgraph's fields) and @provides (a shortcut path). */
const requiresProvides: ComplianceCase = {
  name: '@requires and @provides',
  subgraphs: [
    {
      name: 'catalog',
      typeDefs: `${link('2.3', ['@key', '@shareable'])}
        type Query { products: [Product!]! }
        type Product @key(fields: "id") { id: ID! weight: Int! priceCents: Int! }
        type User @key(fields: "id") { id: ID! name: String! @shareable email: String! }`,
      resolvers: {
        Query: { products: () => PRODUCTS },
        Product: { __resolveReference: ({ id }: { id: string }) => byId(id) },
        User: { __resolveReference: ({ id }: { id: string }) => ({ id, name: `catalog-${id}`, email: `${id}@catalog.example` }) },
      },
    },
    {
      name: 'shipping',
      typeDefs: `${link('2.3', ['@key', '@external', '@requires'])}
        type Product @key(fields: "id") { id: ID! weight: Int! @external priceCents: Int! @external shippingCents: Int! @requires(fields: "weight priceCents") }`,
      resolvers: {
        Product: {
          __resolveReference: (reference: { id: string; weight?: number; priceCents?: number }) => reference,
          shippingCents: ({ weight, priceCents }: { weight: number; priceCents: number }) => (priceCents > 2000 ? 0 : weight * 100),
        },
      },
    },
    {
      name: 'reviews',
      typeDefs: `${link('2.3', ['@key', '@external', '@provides', '@shareable'])}
        type Query { reviews: [Review!]! }
        type Review { body: String! author: User! @provides(fields: "name") }
        type User @key(fields: "id") { id: ID! name: String! @external }`,
      resolvers: {
        // The provided name differs from the owner's so the test can see which path answered.
        Query: { reviews: () => [{ body: 'Sturdy', author: { id: 'u1', name: 'provided-u1' } }] },
      },
    },
  ],
  operations: [
    {
      name: '@requires fields fetched from their owner first',
      query: '{ products { id shippingCents } }',
      expected: { data: { products: [{ id: 'p1', shippingCents: 200 }, { id: 'p2', shippingCents: 0 }] } },
    },
    {
      name: '@provides answers without a second fetch',
      query: '{ reviews { body author { name } } }',
      expected: { data: { reviews: [{ body: 'Sturdy', author: { name: 'provided-u1' } }] } },
    },
    {
      name: 'a field outside @provides still goes to its owner',
      query: '{ reviews { author { id email } } }',
      expected: { data: { reviews: [{ author: { id: 'u1', email: 'u1@catalog.example' } }] } },
    },
  ],
};

/** @shareable value types resolved by either subgraph, and @override moving a field. */
const shareableOverride: ComplianceCase = {
  name: '@shareable and @override',
  subgraphs: [
    {
      name: 'old',
      typeDefs: `${link('2.3', ['@key', '@shareable'])}
        type Query { product: Product! }
        type Product @key(fields: "id") { id: ID! price: Money! @shareable label: String! }
        type Money @shareable { amountCents: Int! currency: String! }`,
      resolvers: {
        Query: { product: () => ({ id: 'p1' }) },
        Product: {
          __resolveReference: ({ id }: { id: string }) => ({ id }),
          price: () => ({ amountCents: 1500, currency: 'EUR' }),
          label: () => 'label from old',
        },
      },
    },
    {
      name: 'new',
      typeDefs: `${link('2.3', ['@key', '@shareable', '@override'])}
        type Query { featured: Product! }
        type Product @key(fields: "id") { id: ID! price: Money! @shareable label: String! @override(from: "old") }
        type Money @shareable { amountCents: Int! currency: String! }`,
      resolvers: {
        Query: { featured: () => ({ id: 'p2' }) },
        Product: {
          __resolveReference: ({ id }: { id: string }) => ({ id }),
          price: ({ id }: { id: string }) => ({ amountCents: id === 'p1' ? 1500 : 4200, currency: 'EUR' }),
          label: ({ id }: { id: string }) => `label ${id} from new`,
        },
      },
    },
  ],
  operations: [
    {
      name: 'a @shareable field from the subgraph already on the path',
      query: '{ product { id price { amountCents currency } } featured { id price { amountCents } } }',
      expected: { data: { product: { id: 'p1', price: { amountCents: 1500, currency: 'EUR' } }, featured: { id: 'p2', price: { amountCents: 4200 } } } },
    },
    {
      name: 'an overridden field comes from the new owner only',
      query: '{ product { label } featured { label } }',
      expected: { data: { product: { label: 'label p1 from new' }, featured: { label: 'label p2 from new' } } },
    },
  ],
};

const MEDIA = [
  { __typename: 'Book', id: 'b1', title: 'Dune', pages: 412 },
  { __typename: 'Movie', id: 'm1', title: 'Alien', minutes: 117 },
];

/** An entity interface whose implementations live in different subgraphs, an @interfaceObject, a union. */
const abstractTypes: ComplianceCase = {
  name: 'interfaces and unions across subgraphs',
  subgraphs: [
    {
      name: 'library',
      typeDefs: `${link('2.3', ['@key'])}
        type Query { media: [Media!]! search(term: String!): [SearchResult!]! }
        interface Media @key(fields: "id") { id: ID! title: String! }
        type Book implements Media @key(fields: "id") { id: ID! title: String! pages: Int! }
        type Movie implements Media @key(fields: "id") { id: ID! title: String! minutes: Int! }
        type Author { name: String! }
        union SearchResult = Book | Movie | Author`,
      resolvers: {
        Query: {
          media: () => MEDIA,
          search: (_: unknown, { term }: { term: string }) => [...MEDIA.filter((item) => item.title.includes(term)), { __typename: 'Author', name: `${term} Herbert` }],
        },
        Media: { __resolveReference: ({ id }: { id: string }) => MEDIA.find((item) => item.id === id) },
        Book: { __resolveReference: ({ id }: { id: string }) => MEDIA.find((item) => item.id === id) },
        Movie: { __resolveReference: ({ id }: { id: string }) => MEDIA.find((item) => item.id === id) },
      },
    },
    {
      name: 'ratings',
      // Adds a field to every Media without knowing the implementations.
      typeDefs: `${link('2.3', ['@key', '@interfaceObject'])}
        type Media @key(fields: "id") @interfaceObject { id: ID! stars: Int! }`,
      resolvers: { Media: { __resolveReference: ({ id }: { id: string }) => ({ id, stars: id === 'b1' ? 5 : 3 }) } },
    },
    {
      name: 'loans',
      typeDefs: `${link('2.3', ['@key'])}
        type Book @key(fields: "id") { id: ID! onLoan: Boolean! }`,
      resolvers: { Book: { __resolveReference: ({ id }: { id: string }) => ({ id, onLoan: id === 'b1' }) } },
    },
  ],
  operations: [
    {
      name: 'interface fields, fragments per implementation, and an @interfaceObject field',
      query: '{ media { __typename id title stars ... on Book { pages onLoan } ... on Movie { minutes } } }',
      expected: {
        data: {
          media: [
            { __typename: 'Book', id: 'b1', title: 'Dune', stars: 5, pages: 412, onLoan: true },
            { __typename: 'Movie', id: 'm1', title: 'Alien', stars: 3, minutes: 117 },
          ],
        },
      },
    },
    {
      name: 'a union with members of which one is extended elsewhere',
      query: '{ search(term: "Dune") { __typename ... on Book { title onLoan } ... on Author { name } } }',
      expected: { data: { search: [{ __typename: 'Book', title: 'Dune', onLoan: true }, { __typename: 'Author', name: 'Dune Herbert' }] } },
    },
  ],
};

/** @inaccessible fields and enum values stay out of the API schema but keep working inside the graph. */
const inaccessible: ComplianceCase = {
  name: '@inaccessible',
  subgraphs: [
    {
      name: 'accounts',
      typeDefs: `${link('2.3', ['@key', '@inaccessible'])}
        type Query { user: User! usersOfTier(tier: Tier!): [User!]! }
        type User @key(fields: "id") { id: ID! name: String! internalScore: Int! @inaccessible tier: Tier! }
        enum Tier { FREE PAID LEGACY @inaccessible }`,
      resolvers: {
        Query: { user: () => ({ id: 'u1' }), usersOfTier: () => [{ id: 'u1' }] },
        User: { __resolveReference: ({ id }: { id: string }) => ({ id }), name: () => 'Ada', internalScore: () => 42, tier: () => 'PAID' },
      },
    },
    {
      name: 'perks',
      typeDefs: `${link('2.3', ['@key', '@external', '@requires'])}
        type User @key(fields: "id") { id: ID! internalScore: Int! @external perk: String! @requires(fields: "internalScore") }`,
      resolvers: { User: { __resolveReference: (reference: { id: string; internalScore?: number }) => reference, perk: ({ internalScore }: { internalScore: number }) => (internalScore > 40 ? 'gold' : 'none') } },
    },
  ],
  operations: [
    {
      name: 'an inaccessible field still feeds @requires',
      query: '{ user { name tier perk } }',
      expected: { data: { user: { name: 'Ada', tier: 'PAID', perk: 'gold' } } },
    },
    {
      name: 'an inaccessible field cannot be queried',
      query: '{ user { internalScore } }',
      expected: { data: undefined, errors: [{ code: 'GRAPHQL_VALIDATION_FAILED' }] },
    },
    {
      name: 'an inaccessible enum value cannot be used',
      query: '{ usersOfTier(tier: LEGACY) { name } }',
      expected: { data: undefined, errors: [{ code: 'GRAPHQL_VALIDATION_FAILED' }] },
    },
    {
      name: 'an inaccessible enum value cannot be sent as a variable',
      query: 'query ($tier: Tier!) { usersOfTier(tier: $tier) { name } }',
      variables: { tier: 'LEGACY' },
      expected: { data: undefined, errors: [{ code: 'BAD_USER_INPUT' }] },
    },
  ],
};

/** Errors in entity fetches: nulls propagate to the nearest nullable parent, with the error's path. */
const nullPropagation: ComplianceCase = {
  name: 'null propagation',
  subgraphs: [
    {
      name: 'orders',
      typeDefs: `${link('2.3', ['@key'])}
        type Query { orders: [Order!]! order: Order }
        type Order @key(fields: "id") { id: ID! buyer: User customer: User! }
        type User @key(fields: "id", resolvable: false) { id: ID! }`,
      resolvers: {
        Query: { orders: () => [{ id: 'o1', buyer: { id: 'u1' } }, { id: 'o2', buyer: { id: 'gone' } }], order: () => ({ id: 'o2', buyer: { id: 'gone' } }) },
        Order: { customer: ({ buyer }: { buyer: { id: string } }) => buyer },
      },
    },
    {
      name: 'users',
      typeDefs: `${link('2.3', ['@key'])}
        type User @key(fields: "id") { id: ID! name: String! email: String }`,
      resolvers: {
        User: {
          __resolveReference: ({ id }: { id: string }) => ({ id }),
          name: ({ id }: { id: string }) => {
            if (id === 'gone') throw notFound(`user ${id} is gone`);
            return `name-${id}`;
          },
          email: ({ id }: { id: string }) => {
            if (id === 'gone') throw notFound(`no email for ${id}`);
            return `${id}@example.com`;
          },
        },
      },
    },
  ],
  operations: [
    {
      name: 'a nullable field that fails is null, with its error',
      query: '{ orders { id buyer { id email } } }',
      expected: {
        data: { orders: [{ id: 'o1', buyer: { id: 'u1', email: 'u1@example.com' } }, { id: 'o2', buyer: { id: 'gone', email: null } }] },
        errors: [{ path: ['orders', 1, 'buyer', 'email'], code: 'NOT_FOUND' }],
      },
    },
    {
      name: 'a non-null field that fails nulls its nullable parent',
      query: '{ orders { id buyer { name } } }',
      expected: {
        data: { orders: [{ id: 'o1', buyer: { name: 'name-u1' } }, { id: 'o2', buyer: null }] },
        errors: [{ path: ['orders', 1, 'buyer', 'name'], code: 'NOT_FOUND' }],
      },
    },
    {
      name: 'a failure under non-null fields up to a nullable root field nulls that root field',
      query: '{ order { id customer { name } } }',
      expected: { data: { order: null }, errors: [{ path: ['order', 'customer', 'name'], code: 'NOT_FOUND' }] },
    },
  ],
};

export const CASES: ComplianceCase[] = [entityKeys, requiresProvides, shareableOverride, abstractTypes, inaccessible, nullPropagation];

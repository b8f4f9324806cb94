/**
 * A small schema with the router's directives and helpers that run stages over it, for the stages'
 * unit tests (no servers). Not imported by the router itself.
 */
import { buildSchema } from 'graphql';
import { Registry } from 'prom-client';
import { createLogger } from '@commerce/kit/logger';
import { createRouterMetrics } from '../metrics.js';
import { buildSchemaMetadata } from '../schema-metadata.js';
import { initialState, type IncomingRequest, type RequestState, type Stage } from './stage.js';

export const TEST_SDL = `
directive @authenticated on FIELD_DEFINITION | OBJECT
directive @requiresScopes(scopes: [[String]]) on FIELD_DEFINITION | OBJECT
directive @cost(weight: Int!) on FIELD_DEFINITION | ARGUMENT_DEFINITION | OBJECT
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION

type Query {
  me: User @authenticated
  user(id: ID!): User
  products(first: Int = 10, after: String): ProductConnection! @listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)
  users(first: Int = 20): [User!]! @requiresScopes(scopes: [["admin"]]) @listSize(slicingArguments: ["first"])
  tags: [String!]!
}
type Mutation {
  logIn(email: String!, password: String!): AuthPayload!
  deleteUser(id: ID!): Boolean @requiresScopes(scopes: [["admin"]])
  touch: User
}
type Subscription { ticks: Int }
type AuthPayload { token: String! user: User! }
type User {
  id: ID!
  name: String!
  secret: String @authenticated
  friends(first: Int): [User!]! @listSize(slicingArguments: ["first"])
  orders: [Order!]! @authenticated
  note: String @requiresScopes(scopes: [["admin"]])
}
type Order { id: ID! total: Int! @cost(weight: 5) }
type ProductConnection { edges: [ProductEdge!]! }
type ProductEdge { node: Product! }
type Product { id: ID! name: String! related: [Product!]! reviews(first: Int): [Review!]! @listSize(slicingArguments: ["first"]) }
type Review { id: ID! rating: Int! author: User! }
`;

export const testSchema = buildSchema(TEST_SDL);
export const testMetadata = buildSchemaMetadata(testSchema, TEST_SDL);
export const testLog = createLogger('router-test', 'silent');
export const testMetrics = () => createRouterMetrics(new Registry());

/** A POST request carrying `body` as JSON (already parsed, as Fastify hands it over). */
export function post(body: unknown, headers: Record<string, string> = {}): IncomingRequest {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, query: {}, ip: '127.0.0.1' } as IncomingRequest;
}

/** Runs `stages` in order over a POST of `query` (and `extras`), the way the runner does; returns the state. */
export async function runStages(stages: Stage[], query: string, extras: { operationName?: string; variables?: Record<string, unknown> } = {}): Promise<RequestState> {
  const state = initialState(post({ query, ...extras }), testMetadata);
  state.raw = { query, ...extras };
  state.query = query;
  for (const stage of stages) {
    const response = await stage.run(state);
    if (response) throw new Error(`stage ${stage.name} answered ${response.status}: ${response.body}`);
  }
  return state;
}

/** The codes of the Rejection `run` throws (fails when it does not throw one). */
export async function refusal(run: () => unknown): Promise<{ status: number; codes: string[] }> {
  try {
    await run();
  } catch (error) {
    const rejection = error as { status?: number; errors?: { extensions: { code: string } }[] };
    if (rejection.status === undefined) throw error;
    return { status: rejection.status, codes: (rejection.errors ?? []).map((e) => e.extensions.code) };
  }
  throw new Error('expected a refusal');
}

/** The document stage's options at the router's defaults. */
export const DOCUMENT_OPTIONS = { MAX_DOCUMENT_LENGTH: 100_000, MAX_TOKENS: 15_000, MAX_RECURSION: 500, MAX_OPERATIONS: 10, MAX_FRAGMENTS: 100, MAX_VARIABLES: 100 };

/**
 * Property-based tests: random operations generated from the supergraph's API schema (valid ones, and
 * ones broken in the ways clients break them), sent to a router whose subgraphs sit behind a spy that
 * records every request they receive. For each operation, anonymous or as a shopper without the admin
 * scope: never a 5xx, never INTERNAL_SERVER_ERROR, and no field whose @authenticated / @requiresScopes
 * the caller does not satisfy reaches a subgraph.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type SelectionSetNode,
  type DocumentNode,
  buildClientSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIMS_HEADER } from '@commerce/kit/auth';
import { SERVICES } from '@commerce/kit/service-config';
import { buildSchemaMetadata, type SchemaMetadata } from '@commerce/router/src/schema-metadata.js';
import { callerOf, satisfies } from '@commerce/router/src/stages/authorize.js';
import { signUp } from '../support/accounts.js';
import { sharedSubgraphOverrides, startRouter, type TestProcess } from '../support/processes.js';
import { run } from '../support/run.js';

const sdl = readFileSync('schema/supergraph.graphql', 'utf8');
/** The API schema as the router serves it (its introspection), with the directives read from the supergraph. */
let schema: GraphQLSchema;
let metadata: SchemaMetadata;

/**
 * Subgraph requests seen since the last `take()`, with the claims the router signed for each (null:
 * anonymous). They are the request's own, or, after a `signUp` / `logIn` in the same operation, the
 * claims of the token that sign-in returned (docs/router.md "Self-visibility").
 */
const received: { service: string; query: string; claims: Record<string, unknown> | null }[] = [];

function claimsOf(header: string | string[] | undefined): Record<string, unknown> | null {
  if (typeof header !== 'string' || header === '') return null;
  return JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
}
const spies: Server[] = [];

async function spyFor(service: string, target: string): Promise<string> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (request.url?.startsWith('/graphql') && request.method === 'POST') {
        const claims = claimsOf(request.headers[CLAIMS_HEADER]);
        try {
          received.push({ service, query: String((JSON.parse(body) as { query?: unknown }).query ?? ''), claims });
        } catch {
          received.push({ service, query: '', claims });
        }
      }
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
      try {
        const method = request.method ?? 'GET';
        const answer = await fetch(new URL(request.url ?? '/graphql', target), { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) });
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        response.end(await answer.text());
      } catch (error) {
        response.writeHead(502).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  spies.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

/** Fields of the subgraph request (typed against the API schema; `_entities` through its inline fragments) the caller may not see. */
function forbiddenIn(query: string, claims: Record<string, unknown> | null): string[] {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return [];
  }
  const caller = callerOf(claims);
  const found: string[] = [];
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType | null) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        walk(selection.selectionSet, type && isCompositeType(type) ? type : null);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment) walk(fragment.selectionSet, type && isCompositeType(type) ? type : null);
      } else if (selection.name.value === '_entities') {
        if (selection.selectionSet) walk(selection.selectionSet, null);
      } else if (parent && (isObjectType(parent) || isInterfaceType(parent))) {
        const field = parent.getFields()[selection.name.value];
        if (!field) continue;
        const named = getNamedType(field.type);
        const requirement = metadata.requirement(parent.name, field.name, named.name);
        if (requirement && !satisfies(requirement, caller)) found.push(`${parent.name}.${field.name}`);
        if (selection.selectionSet) walk(selection.selectionSet, isCompositeType(named) ? named : null);
      }
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    walk(definition.selectionSet, schema.getRootType(definition.operation) ?? null);
  }
  return found;
}

// ---- Operation generators ----------------------------------------------------------------------

const intArb = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom(-1, -100_000_000, 101, 1_000_000, 2_147_483_647));
const stringArb = fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s));

function valueArb(type: GraphQLInputType, depth: number): fc.Arbitrary<string> {
  if (isNonNullType(type)) return valueArb(type.ofType, depth);
  if (isListType(type)) return fc.array(valueArb(type.ofType, depth + 1), { maxLength: 2 }).map((items) => `[${items.join(', ')}]`);
  const named = getNamedType(type);
  if (isEnumType(named)) return fc.constantFrom(...named.getValues().map((v) => v.name));
  if (isInputObjectType(named)) {
    if (depth > 3) return fc.constant('{}');
    const fields = Object.values(named.getFields());
    return fc
      .tuple(...fields.map((field) => (isNonNullType(field.type) ? valueArb(field.type, depth + 1).map((v) => `${field.name}: ${v}`) : fc.option(valueArb(field.type, depth + 1).map((v) => `${field.name}: ${v}`), { nil: '' }))))
      .map((parts) => `{ ${parts.filter(Boolean).join(', ')} }`);
  }
  switch (named.name) {
    case 'Int':
      return intArb.map(String);
    case 'Float':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String);
    case 'Boolean':
      return fc.boolean().map(String);
    case 'ID':
      return fc.oneof(fc.uuid().map((u) => JSON.stringify(u)), stringArb);
    default:
      return stringArb;
  }
}

function argumentsArb(field: GraphQLField<unknown, unknown>): fc.Arbitrary<string> {
  if (field.args.length === 0) return fc.constant('');
  return fc
    .tuple(...field.args.map((arg) => (isNonNullType(arg.type) ? valueArb(arg.type, 0).map((v) => `${arg.name}: ${v}`) : fc.option(valueArb(arg.type, 0).map((v) => `${arg.name}: ${v}`), { nil: '' }))))
    .map((parts) => (parts.some(Boolean) ? `(${parts.filter(Boolean).join(', ')})` : ''));
}

function selectionArb(type: GraphQLCompositeType, depth: number): fc.Arbitrary<string> {
  if (depth >= 5) return fc.constant('{ __typename }');
  if (isUnionType(type)) {
    return fc.constantFrom(...type.getTypes()).chain((member) => selectionArb(member, depth).map((inner) => `{ __typename ... on ${member.name} ${inner} }`));
  }
  const fields = Object.values((type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields());
  const fieldArb = fc.constantFrom(...fields).chain((field) => {
    const named = getNamedType(field.type);
    const sub = isCompositeType(named) ? selectionArb(named, depth + 1) : fc.constant('');
    return fc.tuple(fc.option(fc.constantFrom('a', 'b', 'c'), { nil: '' }), argumentsArb(field), sub).map(([alias, args, inner]) => `${alias ? `${alias}: ` : ''}${field.name}${args} ${inner}`);
  });
  return fc.array(fieldArb, { minLength: 1, maxLength: 3 }).map((parts) => `{ ${parts.join(' ')} }`);
}

const validOperation = () => fc.oneof(
  { weight: 4, arbitrary: selectionArb(schema.getQueryType()!, 0).map((s) => `query Q ${s}`) },
  { weight: 1, arbitrary: selectionArb(schema.getMutationType()!, 0).map((s) => `mutation M ${s}`) },
  // A sign-up that succeeds, with a random selection of the new user (its later fetches carry its claims).
  { weight: 1, arbitrary: fc.tuple(fc.uuid(), selectionArb(schema.getType('User') as GraphQLCompositeType, 1)).map(([id, s]) => `mutation M { signUp(input: { email: "p${id}@example.test", name: "P", password: "correct horse battery" }) { token user ${s} } }`) },
  // The same selection through a fragment, spread twice.
  { weight: 1, arbitrary: selectionArb(schema.getQueryType()!, 0).map((s) => `query Q { ...F ...F } fragment F on Query ${s}`) },
);

/** Ways clients break operations. */
const breakOperation = (query: string): fc.Arbitrary<{ query: string; operationName?: unknown }> =>
  fc.oneof(
    // Half of them as generated (valid up to their argument values), half broken one way.
    { weight: 9, arbitrary: fc.constant({ query }) },
    fc.constant({ query: query.slice(0, Math.max(1, query.length - 3)) }),
    fc.constant({ query: query.replace(/\{ /, '{ noSuchField ') }),
    fc.constant({ query, operationName: 'Nope' }),
    fc.constant({ query: `${query} query Other { __typename }` }),
    fc.constant({ query, operationName: 42 }),
    fc.constant({ query: query.replace(/(\w+)\(/, '$1(bogus: 1, ') }),
    fc.constant({ query: `subscription S ${query.slice(query.indexOf('{'))}` }),
    fc.constant({ query: query.replace(/first: \d+/, 'first: -5') }),
    fc.constant({ query: `${query} fragment Loop on Query { ...Loop }` }),
  );

const requestArb = () => validOperation().chain(breakOperation);

// ---- The property --------------------------------------------------------------------------------

let router: TestProcess;
let shopper: { id: string; token: string };
let runs = 0;
let subgraphRequests = 0;
let answeredWithData = 0;

beforeAll(async () => {
  const urls = Object.fromEntries(await Promise.all(SERVICES.map(async (service) => [service, await spyFor(service, run.subgraphUrls[service])])));
  router = await startRouter('property', { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides(urls), LOGIN_THROTTLE_ENABLED: 'false' });
  const introspection = await router.client.data<IntrospectionQuery>(getIntrospectionQuery());
  schema = buildClientSchema(introspection);
  metadata = buildSchemaMetadata(schema, sdl);
  shopper = await signUp('Property');
});

afterAll(async () => {
  console.log(`property tests: ${runs} generated operations sent to the router (${answeredWithData} answered with data), ${subgraphRequests} subgraph requests inspected`);
  await Promise.all(spies.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('random operations from the supergraph', () => {
  it('the spy sees what reaches the subgraphs, and the detector names guarded fields', async () => {
    expect(forbiddenIn('{ me { id } users(first: 1) { edges { node { id } } } }', null)).toEqual(['Query.me', 'Query.users']);
    expect(forbiddenIn('{ users(first: 1) { edges { node { id } } } }', { sub: 'u', scope: '' })).toEqual(['Query.users']);
    expect(forbiddenIn('query($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders { edges { cursor } } } } }', null)).toEqual(['User.orders']);
    received.length = 0;
    await router.client.request('{ products(first: 1) { edges { node { id } } } }');
    expect(received.map((r) => r.service)).toContain('products');
  });

  for (const caller of ['anonymous', 'shopper'] as const) {
    it(`as ${caller}: never a 5xx or INTERNAL_SERVER_ERROR, and nothing the caller may not see reaches a subgraph`, async () => {
      await fc.assert(
        fc.asyncProperty(requestArb(), async (body) => {
          runs += 1;
          received.length = 0;
          const response = await fetch(router.graphqlUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(caller === 'shopper' ? { authorization: `Bearer ${shopper.token}` } : {}) },
            body: JSON.stringify(body),
          });
          const text = await response.text();
          expect(response.status, text.slice(0, 500)).toBeLessThan(500);
          const codes = ((JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map((e) => e.extensions?.code);
          expect(codes, text.slice(0, 500)).not.toContain('INTERNAL_SERVER_ERROR');
          subgraphRequests += received.length;
          if (response.status === 200 && text.includes('"data":{')) answeredWithData += 1;
          // Each subgraph request is judged by the claims it carried; those differ from the caller's only
          // after a sign-in in the same operation, and then name the user the sign-in returned.
          const signsIn = /\b(signUp|logIn)\b/.test(body.query);
          const own = caller === 'anonymous' ? undefined : shopper.id;
          for (const request of received) if (request.claims?.sub !== own) expect(signsIn, body.query).toBe(true);
          const leaked = received.flatMap((request) => forbiddenIn(request.query, request.claims).map((field) => `${request.service}: ${field}`));
          expect(leaked).toEqual([]);
        }),
        { numRuns: 250 },
      );
    });
  }
});

import { describe, expect, it } from 'vitest';
import { SERVICES } from '@commerce/kit/service-config';
import { startRouter } from '../support/processes.js';
import { metricValue, router, run } from '../support/run.js';

/** GraphQL requests the four subgraphs have served so far. */
const subgraphCalls = async () =>
  (await Promise.all(SERVICES.map((s) => metricValue(run.metricsUrls[s], 'graphql_operations_total', {}, { absentAsZero: true })))).reduce((a, b) => a + b, 0);

/** Product → reviews → review → product → ... : five levels of depth per turn, `turns` times. */
function deepQuery(turns: number): string {
  let inner = 'id';
  for (let i = 0; i < turns; i += 1) inner = `product { reviews(first: 1) { edges { node { ${inner} } } } }`;
  return `{ products(first: 1) { edges { node { reviews(first: 1) { edges { node { ${inner} } } } } } } }`;
}

describe('request limits, enforced before any subgraph is called', () => {
  it('refuses a depth-40 operation with MAX_DEPTH_LIMIT (400, data {}) and calls no subgraph', async () => {
    const before = await subgraphCalls();
    const result = await router.request(deepQuery(9)); // depth 43
    expect(result.status).toBe(400);
    expect(result.data).toEqual({});
    expect(result.errors?.map((e) => e.extensions?.code)).toContain('MAX_DEPTH_LIMIT');
    expect(await subgraphCalls()).toBe(before);
  });

  it('refuses 2000 aliases with MAX_ALIASES_LIMIT (and names every limit it exceeds)', async () => {
    const before = await subgraphCalls();
    const aliases = Array.from({ length: 2000 }, (_, i) => `a${i}: __typename`).join(' ');
    const result = await router.request(`{ ${aliases} }`);
    expect(result.status).toBe(400);
    expect(result.data).toEqual({});
    const codes = result.errors?.map((e) => e.extensions?.code);
    expect(codes).toContain('MAX_ALIASES_LIMIT');
    expect(codes).toContain('MAX_ROOT_FIELDS_LIMIT');
    expect(await subgraphCalls()).toBe(before);
  });

  it('counts fields reached through fragments', async () => {
    const fragment = `fragment Deep on Review { ${'product { reviews(first: 1) { edges { node { '.repeat(6)}id${' } } } }'.repeat(6)} }`;
    const result = await router.request(`{ review(id: "00000000-0000-4000-8000-000000000000") { ...Deep } } ${fragment}`);
    expect(result.status).toBe(400);
    expect(result.errors?.map((e) => e.extensions?.code)).toContain('MAX_DEPTH_LIMIT');
  });

  it('refuses documents over the parser limits with PARSING_ERROR', async () => {
    const tokens = await router.request(`{ ${Array.from({ length: 16_000 }, () => 'a').join(' ')} }`);
    expect(tokens.status).toBe(400);
    expect(tokens.errors?.[0]).toMatchObject({ extensions: { code: 'PARSING_ERROR' } });
    expect(tokens.errors?.[0]?.message).toContain('token limit reached');

    const nested = await router.request(`${'{ a '.repeat(600)}${'}'.repeat(600)}`);
    expect(nested.status).toBe(400);
    expect(nested.errors?.[0]?.extensions?.code).toBe('PARSING_ERROR');
    expect(nested.errors?.[0]?.message).toContain('recursion limit reached');

    const long = await router.request(`{ product(id: "${'x'.repeat(150_000)}") { id } }`);
    expect(long.status).toBe(400);
    expect(long.errors?.[0]?.message).toContain('document length limit reached');
  });

  it('refuses an operation whose estimated cost is over the maximum, with the estimate', async () => {
    const before = await subgraphCalls();
    const result = await router.request(
      '{ products(first: 100) { edges { node { name reviews(first: 100) { edges { node { rating author { name } } } } } } } }',
    );
    expect(result.status).toBe(400);
    const error = result.errors?.[0];
    expect(error?.extensions?.code).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
    const cost = error?.extensions?.cost as { estimated: number; max: number };
    // products: 1 + 100 edges x (1 + node (1 + reviews (1 + 100 x (1 + node (1 + author 1)))))
    expect(cost).toEqual({ estimated: 1 + 100 * (1 + 1 + 1 + 100 * (1 + 1 + 1)), max: 5000 });
    expect(error?.message).toBe(`query estimated cost ${cost.estimated} exceeded configured maximum 5000`);
    expect(await subgraphCalls()).toBe(before);
  });

  it('reads slicing arguments from variables', async () => {
    const query = 'query($n: Int) { products(first: $n) { edges { node { reviews(first: $n) { edges { node { rating } } } } } } }';
    const small = await router.request(query, { n: 5 });
    expect(small.errors).toBeUndefined();
    const large = await router.request(query, { n: 100 });
    expect(large.errors?.[0]?.extensions?.code).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
  });

  it('in warn and measure modes lets over-limit operations through', async () => {
    const lenient = await startRouter('warn-limits', { LIMITS_MODE: 'warn', COST_MODE: 'measure', MAX_DEPTH: '3' });
    const result = await lenient.client.request('{ products(first: 2) { edges { node { reviews(first: 1) { edges { node { rating } } } } } } }');
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
  });
});

describe('MAX_DOCUMENT_LENGTH, MAX_FRAGMENTS, MAX_VARIABLES', () => {
  it('serve a document at each limit and refuse one just over it with the documented code and 400', async () => {
    const capped = await startRouter('document-caps', { MAX_DOCUMENT_LENGTH: '1000', MAX_FRAGMENTS: '2', MAX_VARIABLES: '2' });
    const codesOf = (result: { errors?: { extensions?: { code?: unknown } }[] }) => result.errors?.map((e) => e.extensions?.code);
    const ofLength = (length: number) => {
      const query = '{ __typename } #';
      return query + 'x'.repeat(length - query.length);
    };
    const atLength = await capped.client.request(ofLength(1000));
    expect({ status: atLength.status, data: atLength.data, errors: atLength.errors }).toEqual({ status: 200, data: { __typename: 'Query' }, errors: undefined });
    const overLength = await capped.client.request(ofLength(1001));
    expect({ status: overLength.status, codes: codesOf(overLength), message: overLength.errors?.[0]?.message }).toEqual({
      status: 400,
      codes: ['PARSING_ERROR'],
      message: 'parsing error: document length limit reached',
    });

    const withFragments = (count: number) => {
      const names = Array.from({ length: count }, (_, i) => `F${i}`);
      return `{ ${names.map((name) => `...${name}`).join(' ')} } ${names.map((name) => `fragment ${name} on Query { __typename }`).join(' ')}`;
    };
    const atFragments = await capped.client.request(withFragments(2));
    expect({ status: atFragments.status, data: atFragments.data, errors: atFragments.errors }).toEqual({ status: 200, data: { __typename: 'Query' }, errors: undefined });
    const overFragments = await capped.client.request(withFragments(3));
    expect({ status: overFragments.status, data: overFragments.data, codes: codesOf(overFragments) }).toEqual({ status: 400, data: {}, codes: ['MAX_FRAGMENTS_LIMIT'] });

    const withVariables = (count: number) => {
      const names = Array.from({ length: count }, (_, i) => `v${i}`);
      const query = `query(${names.map((name) => `$${name}: Boolean!`).join(', ')}) { ${names.map((name) => `${name}: __typename @include(if: $${name})`).join(' ')} }`;
      return capped.client.request(query, Object.fromEntries(names.map((name) => [name, true])));
    };
    const atVariables = await withVariables(2);
    expect({ status: atVariables.status, data: atVariables.data, errors: atVariables.errors }).toEqual({ status: 200, data: { v0: 'Query', v1: 'Query' }, errors: undefined });
    const overVariables = await withVariables(3);
    expect({ status: overVariables.status, data: overVariables.data, codes: codesOf(overVariables) }).toEqual({ status: 400, data: {}, codes: ['MAX_VARIABLES_LIMIT'] });
  });
});

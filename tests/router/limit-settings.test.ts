/**
 * Each request-limit setting of the router, changed: a router started with a small value serves an
 * operation exactly at it and refuses one just over it with the code and status the README's error
 * table gives (400, `data: {}` for the operation limits, PARSING_ERROR for the parser limits,
 * COST_ESTIMATED_TOO_EXPENSIVE with `extensions.cost` for demand control); a bad value stops the
 * router at start, naming the variable.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runWith } from '../support/exit.js';
import { startRouter, type TestProcess } from '../support/processes.js';

type Answer = Awaited<ReturnType<TestProcess['client']['request']>>;
const outcome = (result: Answer) => ({ status: result.status, data: result.data, codes: result.errors?.map((e) => e.extensions?.code) });
const served = (data: unknown) => ({ status: 200, data, codes: undefined });
const refused = (code: string) => ({ status: 400, data: {}, codes: [code] });

/** A query on `Query.__typename`: `{`, `count` fields, `}` are count + 2 tokens (comments and EOF are not counted). */
const typenames = (count: number) => `{ ${Array.from({ length: count }, () => '__typename').join(' ')} }`;
/** `{ __typename }` inside `depth - 1` inline fragments on Query: brace nesting `depth`, field depth 1. */
const nested = (depth: number) => `${'{ ... on Query '.repeat(depth - 1)}{ __typename }${' }'.repeat(depth - 1)}`;
/** `count` aliased `pageInfo` selections under one root field: height 3 (products, pageInfo, hasNextPage). */
const aliased = (count: number) =>
  `{ products(first: 1) { ${Array.from({ length: count }, (_, i) => `p${i}: pageInfo { hasNextPage }`).join(' ')} } }`;
/** Estimated cost 1 + 2 × first (products 1, each edge 1 + node 1). */
const productsCosting = (first: number) => `{ products(first: ${first}) { edges { node { id } } } }`;
/** `Order.items` has no slicing argument: its size is COST_DEFAULT_LIST_SIZE, so this costs 2 × (1 + 2 × size). */
const TWO_ORDERS = '{ a: order(id: "00000000-0000-4000-8000-000000000000") { items { product { id } } } b: order(id: "00000000-0000-4000-8000-000000000001") { items { product { id } } } }';
const ONE_ORDER = '{ order(id: "00000000-0000-4000-8000-000000000000") { items { product { id } } } }';

describe('operation limit settings: MAX_HEIGHT, MAX_ROOT_FIELDS, MAX_ALIASES, MAX_DIRECTIVES', () => {
  let capped: TestProcess;
  beforeAll(async () => {
    capped = await startRouter('operation-limit-settings', { MAX_HEIGHT: '4', MAX_ROOT_FIELDS: '3', MAX_ALIASES: '3', MAX_DIRECTIVES: '2' });
  });

  it('MAX_HEIGHT=4 serves four distinct fields and refuses five with MAX_HEIGHT_LIMIT', async () => {
    const at = await capped.client.request('{ products(first: 1) { edges { node { id } } } }');
    expect(outcome(at)).toMatchObject({ status: 200, codes: undefined });
    const over = await capped.client.request('{ products(first: 1) { edges { node { id name } } } }');
    expect(outcome(over)).toEqual(refused('MAX_HEIGHT_LIMIT'));
    expect(over.errors?.[0]?.extensions).toMatchObject({ actual: 5, limit: 4 });
  });

  it('MAX_ROOT_FIELDS=3 serves three root fields and refuses four with MAX_ROOT_FIELDS_LIMIT', async () => {
    expect(outcome(await capped.client.request(typenames(3)))).toEqual(served({ __typename: 'Query' }));
    expect(outcome(await capped.client.request(typenames(4)))).toEqual(refused('MAX_ROOT_FIELDS_LIMIT'));
  });

  it('MAX_ALIASES=3 serves three aliases and refuses four with MAX_ALIASES_LIMIT', async () => {
    expect(outcome(await capped.client.request(aliased(3)))).toMatchObject({ status: 200, codes: undefined });
    expect(outcome(await capped.client.request(aliased(4)))).toEqual(refused('MAX_ALIASES_LIMIT'));
  });

  it('MAX_DIRECTIVES=2 serves two directives and refuses three with MAX_DIRECTIVES_LIMIT', async () => {
    const at = await capped.client.request('{ __typename @include(if: true) @skip(if: false) }');
    expect(outcome(at)).toEqual(served({ __typename: 'Query' }));
    const over = await capped.client.request('{ __typename @include(if: true) @skip(if: false) __typename @include(if: true) }');
    expect(outcome(over)).toEqual(refused('MAX_DIRECTIVES_LIMIT'));
  });
});

describe('parser and cost settings: MAX_TOKENS, MAX_RECURSION, COST_MAX, COST_DEFAULT_LIST_SIZE', () => {
  let small: TestProcess;
  let larger: TestProcess;
  beforeAll(async () => {
    const common = { MAX_ROOT_FIELDS: '1000', COST_MAX: '5' };
    [small, larger] = await Promise.all([
      startRouter('parser-cost-settings', { ...common, MAX_TOKENS: '100', MAX_RECURSION: '10', COST_DEFAULT_LIST_SIZE: '2' }),
      startRouter('list-size-setting', { ...common, COST_DEFAULT_LIST_SIZE: '3' }),
    ]);
  });

  it('MAX_TOKENS=100 serves a 100-token document and refuses 101 tokens with PARSING_ERROR', async () => {
    expect(outcome(await small.client.request(typenames(98)))).toEqual(served({ __typename: 'Query' }));
    const over = await small.client.request(typenames(99));
    expect({ status: over.status, code: over.errors?.[0]?.extensions?.code, message: over.errors?.[0]?.message }).toEqual({
      status: 400,
      code: 'PARSING_ERROR',
      message: 'parsing error: token limit reached',
    });
    // A router with the default MAX_TOKENS (15000) serves the same document.
    expect(outcome(await larger.client.request(typenames(99)))).toEqual(served({ __typename: 'Query' }));
  });

  it('MAX_RECURSION=10 serves nesting 10 and refuses nesting 11 with PARSING_ERROR', async () => {
    expect(outcome(await small.client.request(nested(10)))).toEqual(served({ __typename: 'Query' }));
    const over = await small.client.request(nested(11));
    expect({ status: over.status, code: over.errors?.[0]?.extensions?.code, message: over.errors?.[0]?.message }).toEqual({
      status: 400,
      code: 'PARSING_ERROR',
      message: 'parsing error: recursion limit reached',
    });
    // The default MAX_RECURSION (500) serves it.
    expect(outcome(await larger.client.request(nested(11)))).toEqual(served({ __typename: 'Query' }));
  });

  it('COST_MAX=5 serves an operation estimated at 5 and refuses one at 7 with COST_ESTIMATED_TOO_EXPENSIVE and extensions.cost', async () => {
    const at = await small.client.request(productsCosting(2));
    expect(outcome(at)).toMatchObject({ status: 200, codes: undefined });
    const over = await small.client.request(productsCosting(3));
    expect(over.status).toBe(400);
    expect(over.errors).toHaveLength(1);
    expect(over.errors?.[0]).toMatchObject({
      message: 'query estimated cost 7 exceeded configured maximum 5',
      extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 7, max: 5 } },
    });
  });

  it('COST_DEFAULT_LIST_SIZE sizes a list with no slicing argument: 2 and 3 give different estimates', async () => {
    const costOf = async (router: TestProcess) => {
      const result = await router.client.request(TWO_ORDERS);
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.extensions?.code).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
      return result.errors?.[0]?.extensions?.cost;
    };
    expect(await costOf(small)).toEqual({ estimated: 2 * (1 + 2 * 2), max: 5 });
    expect(await costOf(larger)).toEqual({ estimated: 2 * (1 + 2 * 3), max: 5 });
    // One order: 1 + 2 × 2 = 5 is at COST_MAX with size 2 (passes the estimate; the anonymous caller then
    // gets the @authenticated field refused), and 7, over it, with size 3.
    expect((await small.client.request(ONE_ORDER)).errors?.map((e) => e.extensions?.code)).not.toContain('COST_ESTIMATED_TOO_EXPENSIVE');
    expect(await larger.client.request(ONE_ORDER).then((r) => r.errors?.[0]?.extensions?.cost)).toEqual({ estimated: 7, max: 5 });
  });
});

describe('a bad limit setting stops the router, naming it', () => {
  it('refuses zero, words and values under the minimum', async () => {
    const bad = {
      MAX_HEIGHT: '0',
      MAX_ROOT_FIELDS: 'abc',
      MAX_ALIASES: '-1',
      MAX_DIRECTIVES: '1.5',
      MAX_TOKENS: '99',
      MAX_RECURSION: '9',
      COST_MAX: '0',
      COST_DEFAULT_LIST_SIZE: 'ten',
    };
    const { code, stderr } = await runWith('router/src/index.ts', { ...bad, PORT: '0', METRICS_PORT: '0' });
    expect(code).toBe(1);
    for (const name of Object.keys(bad)) expect(stderr).toContain(`${name}:`);
  });
});

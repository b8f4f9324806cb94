/**
 * Requests that are the client's fault get a 4xx and a code (GraphQL-over-HTTP, Apollo's router
 * codes), never a 500; oversized bodies get their 413 every time, readable before the connection closes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '@commerce/kit/service-config';
import { metricValue, router, run } from '../support/run.js';

const post = async (body: unknown) => {
  const response = await fetch(run.routerUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
};
const codeOf = (result: Awaited<ReturnType<typeof post>>) => result.body.errors?.[0]?.extensions?.code;

/** GraphQL requests the four subgraphs have served so far. */
const subgraphCalls = async () =>
  (await Promise.all(SERVICES.map((s) => metricValue(run.metricsUrls[s], 'graphql_operations_total')))).reduce((a, b) => a + b, 0);

describe('operation selection', () => {
  it('refuses an operationName that names no operation with 400 GRAPHQL_UNKNOWN_OPERATION_NAME', async () => {
    const result = await post({ query: 'query A { __typename }', operationName: 'B' });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('GRAPHQL_UNKNOWN_OPERATION_NAME');
  });

  it('refuses several operations without a name', async () => {
    const result = await post({ query: 'query A { __typename } query B { __typename }' });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('GRAPHQL_UNKNOWN_OPERATION_NAME');
    const named = await post({ query: 'query A { __typename } query B { __typename }', operationName: 'B' });
    expect(named.body.data).toEqual({ __typename: 'Query' });
  });

  it('refuses an operationName that is not a string with 400 BAD_REQUEST', async () => {
    for (const operationName of [7, ['A'], { name: 'A' }, true]) {
      const result = await post({ query: 'query A { __typename }', operationName });
      expect(result.status).toBe(400);
      expect(codeOf(result)).toBe('BAD_REQUEST');
    }
  });

  it('refuses a persisted id sent with the wrong name', async () => {
    const manifest = JSON.parse(readFileSync('schema/persisted-queries/storefront.json', 'utf8')) as { operations: { id: string; type: string }[] };
    const query = manifest.operations.find((operation) => operation.type === 'query')!;
    const result = await post({ operationName: 'NotThisOne', extensions: { persistedQuery: { version: 1, sha256Hash: query.id } } });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('GRAPHQL_UNKNOWN_OPERATION_NAME');
  });

  it('refuses subscriptions with 400 SUBSCRIPTION_NOT_SUPPORTED', async () => {
    const result = await post({ query: 'subscription { orderPlaced { id } }' });
    expect(result.status).toBe(400);
    expect(codeOf(result)).toBe('SUBSCRIPTION_NOT_SUPPORTED');
  });
});

describe('slicing arguments', () => {
  it('refuses negative and absurd sizes with BAD_USER_INPUT before any subgraph runs', async () => {
    const before = await subgraphCalls();
    for (const first of [-1, -100_000_000, 1_000_000, 2_147_483_647]) {
      const result = await router.request('query($n: Int) { products(first: $n) { edges { node { id } } } }', { n: first });
      expect(result.status, `first: ${first}`).toBe(400);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const literal = await router.request('{ products(first: 1) { edges { node { reviews(first: -100000000) { edges { cursor } } } } } }');
    expect(literal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await subgraphCalls()).toBe(before);
  });

  it('a negative size beside an expensive field does not lower the estimate', async () => {
    const expensive = '{ products(first: 100) { edges { node { reviews(first: 100) { edges { node { rating } } } } } } }';
    expect((await router.request(expensive)).errors?.[0]?.extensions?.code).toBe('COST_ESTIMATED_TOO_EXPENSIVE');
    const padded = await router.request(expensive.replace(/^\{/, '{ cheap: products(first: -100000000) { edges { cursor } }'));
    // Refused outright (BAD_USER_INPUT, before the estimate); the estimate itself counts the size as 0 (stages/cost.test.ts).
    expect(padded.status).toBe(400);
    expect(padded.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(padded.data).toBeUndefined();
  });
});

describe('oversized bodies', () => {
  it('answers 413 to every 2 MB+ body, readable by the client (30 in a row, with and without Content-Length)', async () => {
    const big = JSON.stringify({ query: `{ product(id: "${'x'.repeat(2_100_000)}") { id } }` });
    const outcomes: string[] = [];
    for (let i = 0; i < 34; i += 1) {
      try {
        const chunked = i % 8 === 7;
        const body = chunked
          ? new ReadableStream({
              start(controller) {
                for (let offset = 0; offset < big.length; offset += 65_536) controller.enqueue(new TextEncoder().encode(big.slice(offset, offset + 65_536)));
                controller.close();
              },
            })
          : big;
        const response = await fetch(run.routerUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body, ...(chunked ? { duplex: 'half' } : {}) } as RequestInit);
        const text = await response.text();
        outcomes.push(`${response.status}${text.includes('too large') ? '' : ` ${text.slice(0, 80)}`}`);
      } catch (error) {
        outcomes.push(`${(error as Error).message} ${String((error as { cause?: { code?: string } }).cause?.code ?? '')}`);
      }
    }
    console.log(`413 loop: ${outcomes.filter((o) => o === '413').length}/${outcomes.length} answered 413`);
    expect(outcomes).toEqual(outcomes.map(() => '413'));
    // The router still serves after them.
    expect((await router.request('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});

/**
 * The nastiest documents we can build within the body limit, fired at a router of our own while a
 * second client keeps asking `{ __typename }`. Every hostile request must be refused with a 4xx and a
 * code (or answered), never a 5xx; the probe must keep answering. The router's own event-loop delay
 * (prom-client's `nodejs_eventloop_lag_max_seconds`, from perf_hooks.monitorEventLoopDelay, reset at
 * each scrape) is read after each document and printed, with the probe's worst latency.
 */
import { availableParallelism, loadavg } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouter, type TestProcess } from '../support/processes.js';
import { metricValue } from '../support/run.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Each entry: a name and the request body (query, operationName, variables), or the raw JSON text of one. */
function hostileDocuments(): [string, Record<string, unknown> | string][] {
  const doubling = (levels: number, aliased: boolean) => {
    const fragments = ['fragment F0 on Product { id name }'];
    for (const i of range(levels).map((n) => n + 1)) {
      fragments.push(`fragment F${i} on Product { reviews(first: 1) { edges { node { product { ...F${i - 1} } } } } ${aliased ? `x${i}: ` : ''}reviews(first: 1) { edges { node { product { ...F${i - 1} } } } } }`);
    }
    return `{ products(first: 1) { edges { node { ...F${levels} } } } } ${fragments.join(' ')}`;
  };
  const wideFragment = `fragment W on Product { ${range(2_500).map(() => 'id').join(' ')} }`;
  return [
    ['fragment doubling chain, 40 levels', { query: doubling(40, false) }],
    ['fragment doubling chain with aliases, 40 levels', { query: doubling(40, true) }],
    ['wide fragment (2500 fields) spread 100 times', { query: `{ products(first: 1) { edges { node { ${range(100).map(() => '...W').join(' ')} } } } } ${wideFragment}` }],
    ['995 identical fields, just under the expanded cap (overlapping-fields rule)', { query: `{ products(first: 1) { edges { node { ${range(995).map(() => 'name').join(' ')} } } } }` }],
    ['1995 identical fields', { query: `{ products(first: 1) { edges { node { ${range(1_995).map(() => 'name').join(' ')} } } } }` }],
    ['490 same-key fields with different arguments', { query: `{ products(first: 1) { edges { node { ${range(490).map((i) => `reviews(first: ${i % 2}) { edges { cursor } }`).join(' ')} } } } }` }],
    ['3000 fragment spreads, then a scoped field', { query: `{ users(first: 1) { edges { node { ${range(3_000).map(() => '...P').join(' ')} email } } } } fragment P on User { id }` }],
    ['4000 aliases', { query: `{ ${range(4_000).map((i) => `a${i}: __typename`).join(' ')} }` }],
    ['1500 directives', { query: `{ __typename ${range(1_500).map(() => '@skip(if: false)').join(' ')} }` }],
    ['3000 variables', { query: `query(${range(3_000).map((i) => `$v${i}: Int`).join(', ')}) { __typename }` }],
    ['100 variables', { query: `query(${range(100).map((i) => `$v${i}: Int`).join(', ')}) { __typename }` }],
    ['9990 variable values, just under MAX_JSON_MEMBERS', { query: 'query($v: [Int]) { __typename }', variables: Object.fromEntries(range(9_990).map((i) => [`k${i}`, i])) }],
    ['100000 undeclared variable values, 1.5 MB', { query: 'query($v: [Int]) { __typename }', variables: Object.fromEntries(range(100_000).map((i) => [`k${i}`, i])) }],
    ['nesting 499 deep', { query: `${'{ a '.repeat(499)}${'}'.repeat(499)}` }],
    ['nesting 100000 deep', { query: `${'{ a '.repeat(100_000)}${'}'.repeat(100_000)}` }],
    ['JSON variables nested 100000 deep', `{"query":"query($v: String) { __typename }","variables":{"v":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`],
    ['declared JSON variable nested 3000 deep', `{"query":"query($v: [[Int]]) { __typename }","variables":{"v":${'['.repeat(3_000)}${']'.repeat(3_000)}}}`],
    ['1.9 MB string argument', { query: `{ product(id: "${'x'.repeat(1_900_000)}") { id } }` }],
    ['1.9 MB block string', { query: `{ product(id: """${'y'.repeat(1_900_000)}""") { id } }` }],
    ['1.9 MB comment', { query: `# ${'z'.repeat(1_900_000)}\n{ __typename }` }],
    ['3000 operations', { query: range(3_000).map((i) => `query Q${i} { __typename }`).join(' '), operationName: 'Q2999' }],
    ['10 operations', { query: range(10).map((i) => `query Q${i} { __typename }`).join(' '), operationName: 'Q9' }],
    ['3000 unused fragments', { query: `{ __typename } ${range(3_000).map((i) => `fragment U${i} on Query { __typename }`).join(' ')}` }],
    ['100 fragments in a chain', { query: `{ ...U0 } ${range(100).map((i) => `fragment U${i} on Query { __typename ${i < 99 ? `...U${i + 1}` : ''} }`).join(' ')}` }],
    ['fragment cycle', { query: '{ products(first: 1) { edges { node { ...A } } } } fragment A on Product { ...B } fragment B on Product { ...A }' }],
    ['14000 tokens of punctuation', { query: `{ __typename } ${'!'.repeat(14_000)}` }],
    ['deeply nested input object', { query: `{ product(id: ${'{a: '.repeat(240)}1${'}'.repeat(240)}) { id } }` }],
    ['many arguments', { query: `{ product(${range(3_000).map((i) => `a${i}: 1`).join(', ')}) { id } }` }],
  ];
}

let router: TestProcess;
beforeAll(async () => {
  router = await startRouter('hostile');
});

describe('hostile operations: refused or answered, the event loop stays free', () => {
  const worst: { name: string; status: number; code: string; loopMs: number; loopMaxMs: number; ms: number }[] = [];

  afterAll(() => {
    console.table(worst.map((row) => ({ ...row, loopMs: row.loopMs.toFixed(1), loopMaxMs: row.loopMaxMs.toFixed(1), ms: row.ms.toFixed(0) })));
    const max = worst.reduce((a, b) => (b.loopMs > a.loopMs ? b : a), worst[0]!);
    const single = worst.reduce((a, b) => (b.loopMaxMs > a.loopMaxMs ? b : a), worst[0]!);
    console.log(
      `router event-loop delay over ${worst.length} hostile documents (3 runs each): worst least-of-three ${max.loopMs.toFixed(1)} ms (${max.name}); worst single reading ${single.loopMaxMs.toFixed(1)} ms (${single.name}); load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    );
  });

  it('answers every hostile document with a 4xx (or 200) and a code while { __typename } keeps answering', async () => {
    const metrics = router.metricsUrl;
    const lag = async () => (await metricValue(metrics, 'nodejs_eventloop_lag_max_seconds')) * 1000;
    let probing = true;
    const probeLatencies: number[] = [];
    const probe = (async () => {
      while (probing) {
        const started = performance.now();
        const result = await router.client.request('{ __typename }');
        probeLatencies.push(performance.now() - started);
        expect(result.data).toEqual({ __typename: 'Query' });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    // Warm the router up (JIT, caches) with an ordinary operation first.
    await router.client.request('{ products(first: 1) { edges { node { id name } } } }');
    for (const [name, body] of hostileDocuments()) {
      // Three runs of each, the text varied so no cache answers (a comment for free-form ones): the
      // machine's other load adds to single readings, the least of three is nearer the document's own cost.
      const loops: number[] = [];
      let last = { status: 0, code: '', ms: 0 };
      for (let round = 0; round < 3; round += 1) {
        const text = typeof body === 'string' ? body : JSON.stringify({ ...body, query: `${String(body.query)}\n# run ${round}` });
        await lag(); // resets the router's maximum
        const started = performance.now();
        const response = await fetch(router.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
        const ms = performance.now() - started;
        const answer = await response.text();
        loops.push(await lag());
        const code = String((JSON.parse(answer) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code ?? 'answered');
        last = { status: response.status, code, ms };
        expect(response.status, `${name}: ${answer.slice(0, 300)}`).toBeLessThan(500);
        expect(code, name).not.toBe('INTERNAL_SERVER_ERROR');
      }
      worst.push({ name, ...last, loopMs: Math.min(...loops), loopMaxMs: Math.max(...loops) });
    }
    probing = false;
    await probe;
    probeLatencies.sort((a, b) => a - b);
    console.log(
      `probe { __typename }: ${probeLatencies.length} answers, median ${probeLatencies[probeLatencies.length >> 1]!.toFixed(1)} ms, worst ${probeLatencies.at(-1)!.toFixed(1)} ms`,
    );
    expect(probeLatencies.length).toBeGreaterThan(0);
  });
});

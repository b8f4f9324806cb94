import { describe, expect, it } from 'vitest';
import { PASSWORD, signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { startRouter } from '../support/processes.js';
import { metricValue, run, unique } from '../support/run.js';

/**
 * Identical queries in flight at the same time reach a subgraph once (SUBGRAPH_DEDUPLICATE, on by
 * default): seen in the router's counter and in the SQL the subgraph ran, with every caller still
 * getting its own correct answer, and nothing shared between callers with different claims or
 * between mutations.
 */
describe('subgraph query deduplication', () => {
  it('sends a burst of identical queries once, and every caller gets the full answer', async () => {
    const router = await startRouter('dedup');
    const product = await createProduct();
    const query = 'query($sku: String!) { product(sku: $sku) { id sku name } }';
    const deduplicated = () => metricValue(router.metricsUrl, 'subgraph_deduplicated_total', { subgraph: 'products' }, { absentAsZero: true });
    const statements = () => metricValue(run.metricsUrls.products, 'db_queries_total', { source: 'graphql' }, { absentAsZero: true });

    const [dedupedBefore, statementsBefore] = [await deduplicated(), await statements()];
    const answers = await Promise.all(Array.from({ length: 40 }, () => router.client.request<{ product: unknown }>(query, { sku: product.sku })));
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, data: { product: { id: product.id, sku: product.sku, name: product.name } } });
    expect(answers.every((answer) => answer.errors === undefined)).toBe(true);

    const shared = (await deduplicated()) - dedupedBefore;
    expect(shared).toBeGreaterThan(0);
    // The subgraph ran fewer statements than there were requests: the shared ones never reached it.
    expect((await statements()) - statementsBefore).toBeLessThanOrEqual(40 - shared);
  });

  it('never shares an answer between callers with different claims', async () => {
    const router = await startRouter('dedup-claims');
    const [alice, bob] = await Promise.all([signUp('Alice'), signUp('Bob')]);
    const asAlice = router.client.withToken(alice.token);
    const asBob = router.client.withToken(bob.token);
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? asBob : asAlice).data<{ me: { id: string } }>('{ me { id } }')));
    burst.forEach((answer, i) => expect(answer.me.id).toBe(i % 2 ? bob.id : alice.id));
  });

  it('never shares mutations: of two identical sign-ups at once, exactly one succeeds', async () => {
    const router = await startRouter('dedup-mutations');
    const input = { email: `${unique('twice')}@example.test`, name: 'Twice', password: PASSWORD };
    const mutation = 'mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }';
    const results = await Promise.all([router.client.request(mutation, { input }), router.client.request(mutation, { input })]);
    expect(results.filter((result) => result.errors === undefined)).toHaveLength(1);
    expect(results.find((result) => result.errors)?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

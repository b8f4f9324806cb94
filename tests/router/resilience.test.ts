import { describe, expect, it } from 'vitest';
import { signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { sharedSubgraphOverrides, startRouter, startSubgraph } from '../support/processes.js';
import { eventually, metricValue } from '../support/run.js';

const QUERY = '{ me { name } products(first: 1) { edges { node { name } } } }';

describe('a subgraph going down and coming back', () => {
  it('answers partial data naming the subgraph, opens the breaker and fails fast, stays healthy, then recovers', async () => {
    const users = await startSubgraph('users', 'resilience-users');
    const router = await startRouter('resilience', {
      SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ users: users.graphqlUrl }),
      BREAKER_FAILURES: '5',
      BREAKER_HALF_OPEN_MS: '1500',
      SUBGRAPH_RETRIES: '2',
    });
    const [shopper] = await Promise.all([signUp('Resilient'), createProduct()]);
    const client = router.client.withToken(shopper.token);
    const metrics = router.metricsUrl;
    const breaker = () => metricValue(metrics, 'subgraph_circuit_state', { subgraph: 'users' });
    const retries = () => metricValue(metrics, 'subgraph_retries_total', { subgraph: 'users' }, { absentAsZero: true });

    const healthy = await client.request<{ me: { name: string }; products: { edges: unknown[] } }>(QUERY);
    expect(healthy.data?.me.name).toBe('Resilient');
    expect(await breaker()).toBe(0);

    await users.kill();

    // A mutation is never retried.
    const retriesBefore = await retries();
    const mutation = await client.request('mutation { updateProfile(input: { name: "Down" }) { name } }');
    expect(mutation.errors?.[0]?.extensions).toMatchObject({ code: 'SUBREQUEST_HTTP_ERROR', service: 'users' });
    expect(await retries()).toBe(retriesBefore);

    // A query is: partial data, the users part null with an error naming the subgraph.
    const partial = await client.request<{ me: unknown; products: { edges: unknown[] } }>(QUERY);
    expect(partial.status).toBe(200);
    expect(partial.data?.me).toBeNull();
    expect(partial.data?.products.edges).toHaveLength(1);
    expect(partial.errors?.[0]).toMatchObject({ extensions: { code: 'SUBREQUEST_HTTP_ERROR', service: 'users' } });
    expect(String(partial.errors?.[0]?.extensions?.reason)).toContain('ECONNREFUSED');
    expect(await retries()).toBeGreaterThan(retriesBefore);

    // Consecutive failures open the breaker: it answers at once without trying the subgraph.
    await eventually(async () => {
      const failing = await client.request(QUERY);
      expect(failing.errors?.[0]?.extensions?.reason).toBe('circuit breaker open');
    });
    expect(await breaker()).toBe(2);
    expect((await fetch(`${router.baseUrl}/health`)).status).toBe(200);

    // Back on the same port: after the half-open delay a trial succeeds and the breaker closes.
    // (Its consumers rejoin their group later, once the killed member's session expires; HTTP is enough here.)
    await startSubgraph('users', 'resilience-users', {}, { port: users.port, waitFor: 'health' });
    await eventually(async () => {
      const recovered = await client.request<{ me: { name: string } }>(QUERY);
      expect(recovered.errors).toBeUndefined();
      expect(recovered.data?.me.name).toBe('Resilient');
    }, { timeoutMs: 20_000, intervalMs: 500 });
    expect(await breaker()).toBe(0);
  }, 90_000);
});

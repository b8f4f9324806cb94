import { describe, expect, it } from 'vitest';
import { runWith } from '../support/exit.js';

describe('configuration is validated once, at start', () => {
  it.each([
    ['subgraphs/users/src/index.ts', { PORT: 'eighty', ADMIN_EMAIL: 'not-an-email' }, ['PORT', 'ADMIN_EMAIL']],
    ['subgraphs/products/src/index.ts', { DATABASE_URL: 'mysql://localhost/x', CURRENCY: 'dollars' }, ['DATABASE_URL', 'CURRENCY']],
    ['subgraphs/reviews/src/index.ts', { KAFKA_TOPIC_PREFIX: 'has spaces', DATABASE_POOL_SIZE: '0' }, ['KAFKA_TOPIC_PREFIX', 'DATABASE_POOL_SIZE']],
    ['subgraphs/orders/src/index.ts', { LOG_LEVEL: 'loud', REPLICA_WAIT_MS: '-1' }, ['LOG_LEVEL', 'REPLICA_WAIT_MS']],
    ['router/src/index.ts', { JWKS_URL: 'not a url', PORT: '70000', SUBGRAPH_URL_OVERRIDES: 'users=not a url' }, ['JWKS_URL', 'PORT', 'SUBGRAPH_URL_OVERRIDES']],
    ['deploy/local/src/start.ts', { DATABASE_URL: 'http://wrong', SEED_DEMO_DATA: 'maybe' }, ['DATABASE_URL', 'SEED_DEMO_DATA']],
    [
      'deploy/local/src/start.ts',
      { ROUTER_METRICS_PORT: 'ninety', USERS_METRICS_PORT: '70000', PRODUCTS_METRICS_PORT: '-1', REVIEWS_METRICS_PORT: '1.5', ORDERS_METRICS_PORT: 'x' },
      ['ROUTER_METRICS_PORT', 'USERS_METRICS_PORT', 'PRODUCTS_METRICS_PORT', 'REVIEWS_METRICS_PORT', 'ORDERS_METRICS_PORT'],
    ],
  ])('%s exits 1 naming every bad variable', async (entry, env, names) => {
    const { code, stderr } = await runWith(entry, env);
    expect(code).toBe(1);
    for (const name of names) expect(stderr).toContain(`${name}:`);
  });

  it('never prints the value of a bad secret', async () => {
    const { code, stderr } = await runWith('subgraphs/users/src/index.ts', { ADMIN_PASSWORD: 'short7!' });
    expect(code).toBe(1);
    expect(stderr).toContain('ADMIN_PASSWORD:');
    expect(stderr).not.toContain('short7!');
  });
});

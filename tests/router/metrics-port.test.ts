import { describe, expect, it } from 'vitest';
import { SERVICES } from '@commerce/kit/service-config';
import { startRouter } from '../support/processes.js';
import { metricValue, run } from '../support/run.js';

/**
 * /metrics lives on a port of its own (METRICS_PORT, Apollo Router's convention), in production as in
 * development: the public port, which a load balancer exposes, serves GraphQL, /health and /ready only.
 */
describe('metrics on their own port', () => {
  it('a production router: :<port>/metrics is 404, :<METRICS_PORT>/metrics answers with the router series', async () => {
    const production = await startRouter('metrics-prod', { NODE_ENV: 'production' });
    const publicMetrics = await fetch(`${production.baseUrl}/metrics`);
    expect(publicMetrics.status).toBe(404);
    expect(await publicMetrics.text()).not.toContain('# TYPE');
    expect((await fetch(`${production.baseUrl}/health`)).status).toBe(200);

    await production.client.request('{ __typename }');
    const scrape = await fetch(production.metricsUrl);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toContain('text/plain');
    expect(await metricValue(production.metricsUrl, 'http_requests_total', { method: 'POST', route: '/graphql', status: '200' })).toBeGreaterThanOrEqual(1);
  });

  it('the metrics port serves /metrics only', async () => {
    for (const path of ['/graphql', '/health', '/']) {
      expect((await fetch(new URL(path, run.metricsUrls.router))).status, path).toBe(404);
    }
  });

  it.each(SERVICES)('subgraph %s: :<port>/metrics is 404, :<METRICS_PORT>/metrics answers', async (service) => {
    expect((await fetch(new URL('/metrics', run.subgraphUrls[service]))).status).toBe(404);
    expect((await fetch(new URL('/health', run.subgraphUrls[service]))).status).toBe(200);
    const scrape = await fetch(run.metricsUrls[service]);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('# TYPE db_queries_total counter');
  });
});

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir } from '@commerce/stack/paths';
import { signUp } from '../support/accounts.js';
import { createProduct } from '../support/catalog.js';
import { startRouter } from '../support/processes.js';
import { eventually, metricValue, router, run } from '../support/run.js';

interface Span {
  service: string;
  name: string;
  kind: number;
  spanId: string;
  parentSpanId: string;
}

const spansOf = async (traceId: string) => (await (await fetch(`${run.runControlUrl}/spans?traceId=${traceId}`)).json()) as Span[];

describe('observability', () => {
  it('exposes per-operation and per-subgraph latency, error codes and breaker state on /metrics', async () => {
    // Two products: the shared router's entity cache would answer a second read of the same one.
    const [product, second] = await Promise.all([createProduct(), createProduct()]);
    const metrics = run.metricsUrls.router;
    // A fresh operation name: its series is this test's alone. The shared series are read before and after.
    const operation = `Observed${randomBytes(4).toString('hex')}`;
    const observed = (id = product.id) => router.data(`query ${operation}($id: ID!) { product(id: $id) { name reviews(first: 1) { edges { cursor } } } }`, { id });
    const notFound = () => router.request('{ product(id: "00000000-0000-4000-8000-000000000000") { id } }');
    const shared = () =>
      Promise.all([
        metricValue(metrics, 'subgraph_request_duration_seconds_count', { subgraph: 'products', outcome: 'ok' }),
        metricValue(metrics, 'subgraph_request_duration_seconds_count', { subgraph: 'reviews', outcome: 'ok' }),
        metricValue(metrics, 'graphql_errors_total', { code: 'NOT_FOUND' }),
      ]);
    await Promise.all([observed(), notFound()]); // every shared series exists from here on
    const [products, reviews, notFounds] = await shared();
    await observed(second.id);
    await notFound();
    const [productsAfter, reviewsAfter, notFoundsAfter] = await shared();
    expect(await metricValue(metrics, 'graphql_operation_duration_seconds_count', { operation })).toBe(2);
    expect(productsAfter).toBeGreaterThan(products);
    expect(reviewsAfter).toBeGreaterThan(reviews);
    expect(notFoundsAfter).toBeGreaterThan(notFounds);
    const page = await (await fetch(metrics)).text();
    for (const name of ['subgraph_circuit_state{subgraph="users"', 'rate_limit_rejections_total', 'router_rejections_total', 'operation_estimated_cost_bucket', 'http_request_duration_seconds_bucket']) {
      expect(page).toContain(name);
    }
  });

  it('traces one request from the router through the subgraphs into Prisma and across Kafka to consumers', async () => {
    const [author, product] = await Promise.all([signUp('Traced'), createProduct()]);
    const traceId = randomBytes(16).toString('hex');
    const result = await author.client.request(
      'mutation Traced($i: AddReviewInput!) { addReview(input: $i) { id product { name } } }',
      { i: { productId: product.id, rating: 5, body: 'traced' } },
      { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } },
    );
    expect(result.errors).toBeUndefined();

    const spans = await eventually(async () => {
      const received = await spansOf(traceId);
      const names = received.map((span) => `${span.service}:${span.name}`);
      expect(names).toContain('router:POST /graphql');
      expect(names).toContain('router:subgraph reviews');
      expect(names).toContain('reviews:POST /graphql');
      expect(names.some((name) => name.startsWith('reviews:prisma'))).toBe(true);
      expect(names.some((name) => name.startsWith('reviews:publish '))).toBe(true);
      expect(names.some((name) => name.startsWith('products:process '))).toBe(true);
      expect(names.some((name) => name.startsWith('products:prisma'))).toBe(true);
      expect(names.some((name) => name.startsWith('users:process '))).toBe(true);
      return received;
    }, { timeoutMs: 20_000, intervalMs: 500 });

    // One tree: every span but the router's root has its parent in the same trace.
    const ids = new Set(spans.map((span) => span.spanId));
    const orphans = spans.filter((span) => span.parentSpanId && !ids.has(span.parentSpanId));
    expect(orphans.map((span) => `${span.service}:${span.name}`)).toEqual(['router:POST /graphql']);

    // The request's log lines carry the same trace id.
    const routerLog = readFileSync(path.join(dataDir, 'test-logs', 'router.log'), 'utf8');
    expect(routerLog.split('\n').some((line) => line.includes(`"traceId":"${traceId}"`) && line.includes('"requestId"'))).toBe(true);
  });

  it('is not ready until Redis has answered, yet stays healthy and answers', async () => {
    // Never reached: not ready. (Once reached, a later Redis outage leaves it ready: the rate limiter
    // fails open, so losing the cache must not take every replica out of service.)
    const noRedis = await startRouter('no-redis', { REDIS_URL: 'redis://127.0.0.1:1' }, { waitFor: 'health' });
    const ready = await fetch(`${noRedis.baseUrl}/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, string> };
    expect(body.checks.store).not.toBe('ok');
    expect(body.checks.supergraph).toBe('ok');
    expect((await fetch(`${noRedis.baseUrl}/health`)).status).toBe(200);
    const answer = await fetch(`${noRedis.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

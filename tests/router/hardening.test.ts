import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createProduct } from '../support/catalog.js';
import { sharedSubgraphOverrides, startRouter, startSubgraph } from '../support/processes.js';
import { eventually, router, run } from '../support/run.js';

describe('hardening', () => {
  it('masks internal errors: the client sees a generic message with ids; the log has the cause under the same trace', async () => {
    const broken = await startSubgraph('products', 'masking-products', { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/commerce_no_such_database' }, { waitFor: 'health' });
    const masked = await startRouter('masking', { SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides({ products: broken.graphqlUrl }) }, { waitFor: 'health' });
    const result = await masked.client.request('{ products(first: 1) { edges { node { name } } } }');
    expect(result.status).toBe(200);
    const error = result.errors?.[0];
    expect(error?.message).toBe('Internal server error');
    expect(error?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(result)).not.toMatch(/database|prisma|commerce_no_such/i);
    const traceId = String(error?.extensions?.traceId);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(error?.extensions?.requestId).toBeTruthy();
    await eventually(async () => {
      const lines = readFileSync(broken.process.logFile, 'utf8').split('\n').filter((line) => line.includes(traceId));
      expect(lines.some((line) => line.includes('internal error') && /does not exist/.test(line))).toBe(true);
    });
  });

  it('in production: refuses the development secret, disables introspection and field suggestions, answers __typename', async () => {
    const insecure = await startRouter('prod-insecure', { NODE_ENV: 'production', ROUTER_SHARED_SECRET: 'dev-router-secret-change-me' }, { waitFor: 'nothing' });
    expect(await insecure.process.exited).toBe(1);
    expect(readFileSync(insecure.process.logFile, 'utf8')).toContain('ROUTER_SHARED_SECRET');

    const production = await startRouter('prod', { NODE_ENV: 'production' });
    const introspection = await production.client.request('{ __schema { types { name } } }');
    expect(introspection.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    const typename = await production.client.request<{ __typename: string }>('{ __typename }');
    expect(typename.data).toEqual({ __typename: 'Query' });
    const typo = await production.client.request('{ prodcts(first: 1) { edges { cursor } } }');
    expect(typo.status).toBe(400);
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const devTypo = await router.request('{ prodcts(first: 1) { edges { cursor } } }');
    expect(devTypo.errors?.[0]?.message).toMatch(/Did you mean "products"/);
  });

  it('allows CORS only for configured origins', async () => {
    const preflight = (origin: string) =>
      fetch(run.routerUrl, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    const allowed = await preflight('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('blocks requests a browser could send cross-site without a preflight (CSRF)', async () => {
    const product = await createProduct();
    const query = encodeURIComponent(`{ product(id: "${product.id}") { name } }`);
    const simple = await fetch(`${run.routerUrl}?query=${query}`);
    expect(simple.status).toBe(400);
    expect(((await simple.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('CSRF_ERROR');
    const form = await fetch(run.routerUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(form.status).toBe(400);
    expect(((await form.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('CSRF_ERROR');
    const withPreflightHeader = await fetch(`${run.routerUrl}?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(withPreflightHeader.status).toBe(200);
    expect(await withPreflightHeader.json()).toEqual({ data: { product: { name: product.name } } });
    const mutationOverGet = await fetch(`${run.routerUrl}?query=${encodeURIComponent('mutation { logIn(email: "a@b.c", password: "x") { token } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(mutationOverGet.status).toBe(405);
    expect(((await mutationOverGet.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('METHOD_NOT_ALLOWED');
  });
});

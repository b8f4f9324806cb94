import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@commerce/kit/logger';
import { createRouterMetrics } from './metrics.js';
import { restoreSubgraphHttp, SubgraphClient, SUBGRAPH_HTTP } from './subgraph-client.js';

const servers: Server[] = [];
const clients: SubgraphClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A loopback "subgraph" answering every request with `status` and `body`; counts the requests. */
async function fakeSubgraph(status: number, body = '') {
  const seen = { requests: 0 };
  const server = createServer((request, response) => {
    seen.requests += 1;
    request.resume().on('end', () => response.writeHead(status, { 'content-type': 'application/json' }).end(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen };
}

function client(url: string, options: { retries?: number; retryBudgetRatio?: number } = {}) {
  const registry = new Registry();
  const metrics = createRouterMetrics(registry);
  const created = new SubgraphClient({
    name: 'products',
    url,
    secret: 'test-secret-test-secret-test-secret',
    timeoutMs: 5_000,
    retries: options.retries ?? 0,
    retryBudgetRatio: options.retryBudgetRatio ?? 0.2,
    breakerFailures: 1_000,
    breakerHalfOpenMs: 10_000,
    deduplicate: false,
    log: createLogger('test', 'silent'),
    metrics,
  });
  clients.push(created);
  const retries = async () => (await metrics.subgraphRetries.get()).values.reduce((sum, value) => sum + value.value, 0);
  return { client: created, retries };
}

const query = (n: number) => JSON.stringify({ query: `{ products(first: ${n}) { edges { cursor } } }` });

describe('SubgraphClient', () => {
  it('answers an HTTP error as SUBREQUEST_HTTP_ERROR with the status kept out of Apollo Server\'s reach', async () => {
    const subgraph = await fakeSubgraph(503);
    const answer = await client(subgraph.url).client.send(query(1), {}, true);
    expect(answer).toEqual({
      errors: [
        {
          message: "HTTP fetch failed from 'products': 503 Service Unavailable",
          path: [],
          extensions: { code: 'SUBREQUEST_HTTP_ERROR', service: 'products', reason: '503 Service Unavailable', [SUBGRAPH_HTTP]: { status: 503 } },
        },
      ],
    });
  });

  it("moves `extensions.http` of the errors a subgraph itself sends, so it cannot set the router's status", async () => {
    const body = JSON.stringify({ data: null, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN', http: { status: 403 } } }] });
    const subgraph = await fakeSubgraph(200, body);
    const answer = await client(subgraph.url).client.send(query(1), {}, true);
    expect(answer.errors).toEqual([{ message: 'no', extensions: { code: 'FORBIDDEN', [SUBGRAPH_HTTP]: { status: 403 } } }]);
  });

  it('charges the retry budget only for retries it sends: ratio 0 leaves exactly its floor of 3', async () => {
    const subgraph = await fakeSubgraph(503);
    const { client: products, retries } = client(subgraph.url, { retries: 2, retryBudgetRatio: 0 });
    for (let i = 0; i < 10; i += 1) await products.send(query(i), {}, true);
    expect({ requests: subgraph.seen.requests, retries: await retries() }).toEqual({ requests: 13, retries: 3 });
  });

  it('retries each failing query SUBGRAPH_RETRIES times while the budget allows', async () => {
    const subgraph = await fakeSubgraph(503);
    const { client: products, retries } = client(subgraph.url, { retries: 2, retryBudgetRatio: 1 });
    for (let i = 0; i < 10; i += 1) await products.send(query(i), {}, true);
    expect({ requests: subgraph.seen.requests, retries: await retries() }).toEqual({ requests: 30, retries: 20 });
  });
});

describe('restoreSubgraphHttp', () => {
  const format = restoreSubgraphHttp((formatted) => formatted);

  it('puts a subgraph\'s HTTP status back as extensions.http, after Apollo Server has read its own', () => {
    expect(format({ message: 'm', extensions: { code: 'SUBREQUEST_HTTP_ERROR', service: 'users', [SUBGRAPH_HTTP]: { status: 401 } } }, null)).toEqual({
      message: 'm',
      extensions: { code: 'SUBREQUEST_HTTP_ERROR', service: 'users', http: { status: 401 } },
    });
  });

  it('leaves other errors, and masked ones, as they are', () => {
    const plain = { message: 'm', extensions: { code: 'NOT_FOUND' } };
    expect(format(plain, null)).toBe(plain);
    const masked = restoreSubgraphHttp(() => ({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }));
    expect(masked({ message: 'm', extensions: { [SUBGRAPH_HTTP]: { status: 500 } } }, null)).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});

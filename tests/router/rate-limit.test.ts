import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { signUp } from '../support/accounts.js';
import { startRouter } from '../support/processes.js';
import { metricValue } from '../support/run.js';

/** The status of an anonymous `{ __typename }` sent to the router on `port` from `localAddress`. */
function anonymousStatus(port: number, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const request = httpRequest({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', localAddress, headers: { 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('per-client rate limiting, shared by router replicas through Redis', () => {
  it('two router processes count against one sliding window; the client over it gets 429 with Retry-After', async () => {
    // A fresh window name (the API key's partner) keeps runs apart in the shared Redis.
    const partner = `ratelimit${randomUUID().slice(0, 8)}`;
    const settings = { RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '20000', PARTNER_API_KEYS: `${partner}=key-${partner}` };
    const [a, b] = await Promise.all([startRouter('rate-a', settings), startRouter('rate-b', settings)]);
    const id = '3b638f21cabf0a1d2a698cd44269830014e08ba260a5ae5809d56c23eb4e2c76';
    const call = (target: typeof a) =>
      target.client.request('', { sku: 'NONE' }, { headers: { 'x-api-key': `key-${partner}` }, extensions: { persistedQuery: { version: 1, sha256Hash: id } } });

    const statuses: number[] = [];
    for (const target of [a, b, a, b, a]) statuses.push((await call(target)).status);
    // Five allowed in total, whichever replica answered; the partner's manifest is empty, so 404.
    expect(statuses).toEqual([404, 404, 404, 404, 404]);

    const limited = await call(b);
    expect(limited.status).toBe(429);
    expect(limited.errors?.[0]?.extensions?.code).toBe('REQUEST_RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect((await call(a)).status).toBe(429);
    expect(await metricValue(b.metricsUrl, 'rate_limit_rejections_total')).toBe(1);
  });

  it('keeps clients apart: signed-in users by user, anonymous callers by address', async () => {
    const limited = await startRouter('rate-users', { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '20000' });
    const [first, second] = await Promise.all([signUp(), signUp()]);
    const asFirst = limited.client.withToken(first.token);
    for (let i = 0; i < 3; i += 1) expect((await asFirst.request('{ me { id } }')).status).toBe(200);
    expect((await asFirst.request('{ me { id } }')).status).toBe(429);
    expect((await limited.client.withToken(second.token).request('{ me { id } }')).status).toBe(200);

    // Anonymous: by address (127.0.0.2 is another loopback address, so another client). On a router
    // counting in process: in the shared Redis, 127.0.0.1's window also holds every other suite's requests.
    const byAddress = await startRouter('rate-address', { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '20000', REDIS_URL: '' });
    const fromAddress = (localAddress: string) => anonymousStatus(byAddress.port, localAddress);
    for (let i = 0; i < 3; i += 1) expect(await fromAddress('127.0.0.1')).toBe(200);
    expect(await fromAddress('127.0.0.1')).toBe(429);
    expect(await fromAddress('127.0.0.2')).toBe(200);
  });
});

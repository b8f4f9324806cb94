import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHttp, unansweredAtEnd } from './load.js';

describe('unansweredAtEnd', () => {
  it('keeps only the requests that waited longer than the slowest answer', () => {
    expect(unansweredAtEnd([5, 900, 1_200, 40], 1_000)).toEqual([1_200]);
  });

  it('keeps every request in flight when nothing was answered', () => {
    expect(unansweredAtEnd([3, 4_000_000], 0)).toEqual([3, 4_000_000]);
  });
});

describe('loadHttp', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** A server that answers `{"data":{}}` at once, except to the first `hanging` requests, which it never answers. */
  async function listen(hanging: number): Promise<string> {
    let received = 0;
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (received++ >= hanging) response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`;
  }

  it('counts a gateway that answers nothing within the point as errors, not as an empty point', async () => {
    const url = await listen(Infinity);
    const figures = await loadHttp(url, () => ({ body: '{}', headers: {} }), { concurrency: 3, durationSeconds: 1 });
    expect(figures).toMatchObject({ requests: 0, errors: 3, unanswered: 3 });
    expect(figures.p50Ms).toBeGreaterThanOrEqual(500);
  });

  it('counts a request that stalled the whole point among the errors', async () => {
    const url = await listen(1);
    const figures = await loadHttp(url, () => ({ body: '{}', headers: {} }), { concurrency: 2, durationSeconds: 1 });
    expect(figures.requests).toBeGreaterThan(10);
    // The other connection's last request is younger than the slowest answer unless the machine stalls it too.
    expect(figures.unanswered).toBeGreaterThanOrEqual(1);
    expect(figures.unanswered).toBeLessThanOrEqual(2);
    expect(figures.errors).toBe(figures.unanswered);
    expect(figures.p99Ms).toBeGreaterThan(0);
  });
});

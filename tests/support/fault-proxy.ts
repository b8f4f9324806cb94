/**
 * An HTTP proxy in front of one real subgraph, for the router's traffic-shaping tests: it forwards
 * every request unchanged and counts them, and on demand holds them (until released) or answers them
 * itself with an error status — the slow or failing subgraph those features exist for, without
 * touching the subgraph. The count (and the bodies it keeps) is the proof of what reached the subgraph.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll } from 'vitest';

type Mode = { kind: 'forward' } | { kind: 'hold' } | { kind: 'fail'; status: number };

export interface FaultProxy {
  /** The URL to give the router as `<SERVICE>_URL`. */
  url: string;
  /** Requests received so far (forwarded, held or failed). */
  readonly requests: number;
  /** The body of every request received so far, as text, in order of arrival ('' for a GET). */
  readonly bodies: readonly string[];
  forward(): void;
  /** Keeps every request (also those already held) waiting until `release()`. */
  hold(): void;
  /** Forwards every held request and returns to forwarding. */
  release(): void;
  /** Answers every request with `status` and never forwards it. */
  fail(status: number): void;
  /** Resolves once `count` requests have arrived in total (polls; throws after `timeoutMs`). */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const proxies: FaultProxy[] = [];
afterAll(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

/** Starts a proxy on a free loopback port in front of `target` (a subgraph's GraphQL URL). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let mode: Mode = { kind: 'forward' };
  let requests = 0;
  const bodies: string[] = [];
  const held: (() => void)[] = [];

  async function forward(request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<void> {
    try {
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && !['host', 'connection', 'content-length'].includes(entry[0])),
      );
      // The same path on the subgraph (the router also probes /health there).
      const answer = await fetch(new URL(request.url ?? '/', target), { method: request.method, headers, body: request.method === 'GET' ? undefined : new Uint8Array(body) });
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      response.writeHead(502).end(String(error));
    }
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      const body = Buffer.concat(chunks);
      bodies.push(body.toString('utf8'));
      if (mode.kind === 'fail') {
        response.writeHead(mode.status, { 'content-type': 'text/plain' }).end('failed by the test proxy');
      } else if (mode.kind === 'hold') {
        held.push(() => void forward(request, body, response));
      } else {
        void forward(request, body, response);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const releaseHeld = () => held.splice(0).forEach((send) => send());

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}/graphql`,
    get requests() {
      return requests;
    },
    bodies,
    forward: () => {
      mode = { kind: 'forward' };
    },
    hold: () => {
      mode = { kind: 'hold' };
    },
    release: () => {
      mode = { kind: 'forward' };
      releaseHeld();
    },
    fail: (status) => {
      mode = { kind: 'fail', status };
    },
    waitForRequests: async (count, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (requests < count) {
        if (Date.now() > deadline) throw new Error(`the proxy received ${requests} requests, not ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: async () => {
      releaseHeld();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  proxies.push(proxy);
  return proxy;
}

import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataDir } from '@commerce/stack/paths';
import { freePort } from '@commerce/stack/ports';
import { startNodeProcess, waitUntilReady, type SupervisedProcess } from '@commerce/stack/processes';

/**
 * A rolling restart of two replicas under load, as a Deployment does it, with what stands in for the
 * Service in front of them: a tiny proxy on 127.0.0.1 that, like kube-proxy fed by the
 * endpoints controller, sends each request to a replica whose /ready answered 200 at its last probe
 * (every PROBE_MS), keeps connections alive to them, and retries nothing (a failed forward is a 502
 * the client sees). Each replica is replaced the Kubernetes way: the new one starts and becomes
 * ready, then the old one gets SIGTERM — the process's drain (SHUTDOWN_DRAIN_MS) is what must keep
 * every request answered. The replicas are support/drain-fixture.ts: a process started exactly as
 * the router and the subgraphs are (kit `runService` + the kit HTTP shell), so the shutdown path under
 * test is theirs, with no stack behind it. Load: WORKERS clients in a loop on keep-alive connections,
 * through the proxy; bounded by the restart itself (a few seconds), all on 127.0.0.1.
 */
const PROBE_MS = 250;
const WORKERS = 6;
/** Twice the proxy's probe interval, plus margin: the proxy sees /ready fail before the close. */
const DRAIN_MS = 1_500;
const QUERY = JSON.stringify({ query: '{ ok }' });
const FIXTURE = 'tests/deploy/support/drain-fixture.ts';

interface Backend {
  process: SupervisedProcess;
  port: number;
  ready: boolean;
}

const backends: Backend[] = [];
const upstreamAgent = new Agent({ keepAlive: true, maxSockets: 32 });
let proxy: Server | undefined;
let probes: NodeJS.Timeout | undefined;

afterAll(async () => {
  clearInterval(probes);
  await Promise.all(backends.map((b) => b.process.stop()));
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  upstreamAgent.destroy();
});

async function probe(backend: Backend): Promise<void> {
  try {
    const response = await fetch(`http://127.0.0.1:${backend.port}/ready`, { signal: AbortSignal.timeout(PROBE_MS * 2) });
    backend.ready = response.ok;
  } catch {
    backend.ready = false;
  }
}

let next = 0;
function startProxy(): Promise<string> {
  proxy = createServer((req, res) => {
    const ready = backends.filter((b) => b.ready);
    const target = ready[next++ % Math.max(ready.length, 1)];
    if (!target) {
      res.writeHead(503).end('no ready backend');
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target.port, path: req.url, method: req.method, headers: req.headers, agent: upstreamAgent },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502).end(`upstream failed: ${error.message}`);
      else res.destroy(error);
    });
    req.pipe(upstream);
  });
  probes = setInterval(() => void Promise.all(backends.map(probe)), PROBE_MS);
  return new Promise((resolve) => proxy!.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy!.address() as AddressInfo).port}/graphql`)));
}

async function addReplica(name: string): Promise<Backend> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = startNodeProcess(
    name,
    FIXTURE,
    { NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: String(port), METRICS_PORT: String(metricsPort), SHUTDOWN_DRAIN_MS: String(DRAIN_MS) },
    path.join(dataDir, 'test-logs'),
  );
  await waitUntilReady(child, `http://127.0.0.1:${port}/ready`, 60_000);
  const backend: Backend = { process: child, port, ready: false };
  backends.push(backend);
  await probe(backend);
  return backend;
}

/**
 * SIGTERM, as the kubelet sends it (after the preStop sleep); resolves once the process exited. The
 * proxy is not told: like a load balancer it learns only from its probes, so a process that stopped
 * serving before the proxy noticed costs the requests sent to it meanwhile.
 */
async function terminate(backend: Backend): Promise<void> {
  await backend.process.stop();
}

describe('a rolling restart under load (the shutdown path of the router and every subgraph)', () => {
  it('answers every request while each replica is replaced', async () => {
    const url = await startProxy();
    const [a, b] = await Promise.all([addReplica('roll-a'), addReplica('roll-b')]);
    expect(a.ready && b.ready).toBe(true);

    const outcomes = { ok: 0, failed: [] as string[] };
    let running = true;
    const worker = async () => {
      while (running) {
        try {
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY });
          const body = (await response.json()) as { data?: unknown; errors?: unknown };
          if (response.status === 200 && body.data && !body.errors) outcomes.ok += 1;
          else outcomes.failed.push(`${response.status} ${JSON.stringify(body).slice(0, 200)}`);
        } catch (error) {
          outcomes.failed.push(`network: ${(error as Error).message}`);
        }
      }
    };
    // fetch (undici) keeps each worker's connections to the proxy alive, as browsers and SDKs do.
    const load = Array.from({ length: WORKERS }, worker);

    const started = Date.now();
    // Replace a with c, then b with d: surge one, wait ready, terminate one (maxSurge 1, maxUnavailable 0).
    const c = await addReplica('roll-c');
    expect(c.ready).toBe(true);
    await terminate(a);
    const d = await addReplica('roll-d');
    expect(d.ready).toBe(true);
    await terminate(b);
    // Load on the new pair for a moment, then stop.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    running = false;
    await Promise.all(load);

    console.log(
      `rolling restart of 2 replicas under ${WORKERS} concurrent clients: ${outcomes.ok} requests answered, ` +
        `${outcomes.failed.length} failed, in ${((Date.now() - started) / 1000).toFixed(1)} s (drain ${DRAIN_MS} ms, probe ${PROBE_MS} ms)`,
    );
    expect(outcomes.failed.slice(0, 5)).toEqual([]);
    expect(outcomes.ok).toBeGreaterThan(0);
  }, 180_000);
});

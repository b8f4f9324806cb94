/**
 * The HTTP shell shared by the router and the subgraphs (Fastify): request ids, one log line per
 * request, HTTP metrics, GraphQL-shaped answers for transport errors (malformed JSON, oversized
 * bodies), and the operational endpoints: /health (alive) and /ready (dependencies answer) on the
 * public port, and /metrics (Prometheus) on a port of its own (`METRICS_PORT`), as Apollo Router and
 * Cosmo do: the public port, which a load balancer exposes, never serves the metrics.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server as NodeServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { currentTraceId, serveInSpan } from './telemetry.js';

/** What the GraphQL layer learns about a request, for the access log line. */
export interface RequestInfo {
  operationName: string | null;
  operationType: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    info: RequestInfo;
    traceId: string;
  }
  interface FastifyInstance {
    /** `http://host:port/metrics` once the metrics server listens (it starts with the app), else null. */
    metricsUrl(): string | null;
  }
}

export type ReadinessChecks = Record<string, () => Promise<unknown>>;

/** Probes: no span, no access-log line. */
const UNTRACED = new Set(['/health', '/ready']);

export interface HttpShellOptions {
  log: Logger;
  metrics: Metrics;
  readiness: ReadinessChecks;
  /** Largest request body accepted, in bytes; larger ones get 413. */
  bodyLimit?: number;
  /** How long one readiness check may take before it counts as failed. */
  readinessTimeoutMs?: number;
  /** Where /metrics is served: its own server, started when the app gets ready and closed with it. */
  metricsListen: { host: string; port: number };
  /**
   * Addresses or CIDR ranges of trusted proxies: `request.ip` is then the client X-Forwarded-For names
   * before them (Fastify's `trustProxy`). Empty or absent: the socket address, whatever the headers say.
   */
  trustProxy?: readonly string[];
}

export type HttpApp = FastifyInstance;

export function createHttpShell(options: HttpShellOptions): HttpApp {
  const { log, metrics, readiness } = options;
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // Fastify's two lines per request are replaced by the one access line written in onResponse below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 2_000_000,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Requests that still arrive on open connections while the server closes are served, not answered
    // 503 (a router would count those against the subgraph's breaker); `Connection: close` on every
    // response once the process drains (below) makes those connections end after their request.
    return503OnClosing: false,
    ...(options.trustProxy && options.trustProxy.length > 0 ? { trustProxy: [...options.trustProxy] } : {}),
    forceCloseConnections: 'idle',
    // Each request runs inside its OpenTelemetry server span (continuing the caller's trace), so
    // everything it causes (subgraph fetches, queries, outbox events) joins that trace.
    serverFactory: (handler) =>
      createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        if (UNTRACED.has(path)) return handler(req, res);
        serveInSpan(req.method ?? 'GET', path, req.headers, (end) => {
          res.once('close', () => end(res.statusCode));
          handler(req, res);
        });
      }),
  });

  app.decorateRequest('info', null as unknown as RequestInfo);
  app.decorateRequest('traceId', '');
  app.addHook('onRequest', async (request, reply) => {
    request.info = { operationName: null, operationType: null };
    request.traceId = currentTraceId();
    reply.header('x-request-id', request.id);
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequests.inc({ method: request.method, route, status: reply.statusCode });
    metrics.httpDuration.observe({ method: request.method, route }, seconds);
    if (UNTRACED.has(route)) return;
    request.log.info(
      {
        requestId: request.id,
        traceId: request.traceId,
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        operation: request.info.operationName,
      },
      'request',
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error, requestId: request.id, traceId: request.traceId }, 'unhandled error');
    const message = status === 500 ? 'Internal server error' : transportMessage(error);
    const code = status === 500 ? 'INTERNAL_SERVER_ERROR' : transportCode(status);
    return reply.status(status).send({ errors: [{ message, extensions: { code } }] });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ errors: [{ message: `No route ${request.method} ${request.url}`, extensions: { code: 'NOT_FOUND' } }] }),
  );

  app.get('/health', async () => ({ status: 'ok' }));

  // From SIGTERM on (closeOnSignals): no keep-alive, so clients and proxies open their next request
  // elsewhere, and /ready answers 503 so load balancers take the process out first.
  app.addHook('onRequest', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });
  // Halfway through the drain, once balancers have seen /ready fail, close the keep-alive connections
  // that sat idle since SIGTERM (no response could tell them to close): at the final close a pooled
  // idle connection would otherwise race a new request against its reset.
  const onDrain = (drainMs: number) => setTimeout(() => app.server.closeIdleConnections(), drainMs / 2).unref();
  drainListeners.add(onDrain);
  app.addHook('onClose', async () => {
    drainListeners.delete(onDrain);
  });

  app.get('/ready', async (_request, reply) => {
    if (draining) {
      metrics.ready.set(0);
      return reply.status(503).send({ status: 'draining', checks: {} });
    }
    const timeoutMs = options.readinessTimeoutMs ?? 2000;
    const results = await Promise.all(
      Object.entries(readiness).map(async ([name, check]) => {
        try {
          await withTimeout(check(), timeoutMs);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : String(error)] as const;
        }
      }),
    );
    const ready = results.every(([, result]) => result === 'ok');
    metrics.ready.set(ready ? 1 : 0);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });

  const metricsServer = createMetricsServer(metrics);
  app.decorate('metricsUrl', () => {
    const address = metricsServer.address() as AddressInfo | null;
    if (!address) return null;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}/metrics`;
  });
  // onReady, not onListen: a busy metrics port must fail the start, and onListen's errors are only logged.
  app.addHook('onReady', async () => {
    await new Promise<void>((resolve, reject) => {
      metricsServer.once('error', reject);
      metricsServer.listen(options.metricsListen.port, options.metricsListen.host, () => {
        metricsServer.off('error', reject);
        resolve();
      });
    });
    log.info({ address: app.metricsUrl() }, 'metrics listening');
  });
  app.addHook('onClose', async () => {
    if (!metricsServer.listening) return;
    await new Promise<void>((resolve) => {
      metricsServer.close(() => resolve());
      metricsServer.closeAllConnections();
    });
  });

  return app;
}

/**
 * The metrics port's server: `GET /metrics` (Prometheus text format) and nothing else. Plain node:http,
 * no Fastify, no tracing, no access log: a scrape every few seconds is not a request worth a line.
 */
export function createMetricsServer(metrics: Metrics): NodeServer {
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: this port serves GET /metrics only\n');
      return;
    }
    metrics.exposition().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(request.method === 'HEAD' ? undefined : text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`collecting metrics failed: ${String(error)}\n`),
    );
  });
}

/**
 * The code of a transport refusal, as Apollo's router words them: an oversized body is
 * `INVALID_GRAPHQL_REQUEST` (its limits layer: 413 "Request body payload too large"), a content type
 * that is not JSON `INVALID_CONTENT_TYPE_HEADER` (415); any other 4xx `BAD_REQUEST`.
 */
export function transportCode(status: number): string {
  if (status === 413) return 'INVALID_GRAPHQL_REQUEST';
  if (status === 415) return 'INVALID_CONTENT_TYPE_HEADER';
  return 'BAD_REQUEST';
}

function transportMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body payload too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type: send application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Request body is empty';
    default:
      return error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
        ? `Malformed JSON body: ${error.message}`
        : error.message;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Whether this process is draining: set once, on SIGTERM, for every HTTP shell of the process (a
 * process stops as a whole). Read by /ready and the `Connection: close` hook.
 */
let draining = false;
/** What each HTTP shell of the process does when the drain starts (given the drain's length). */
const drainListeners = new Set<(drainMs: number) => void>();

/**
 * Stops the process on SIGINT/SIGTERM. SIGTERM (Kubernetes, systemd, the local stack) drains first:
 * for `drainMs` the process keeps serving while /ready answers 503 and responses close their
 * connections, so whatever balances traffic over it stops sending; then `close` stops accepting and
 * finishes in-flight requests. SIGINT (Ctrl-C) closes at once. The pod's terminationGracePeriodSeconds
 * must exceed preStop + drainMs + the longest request (deploy/k8s/base/patches/service-container.yaml).
 */
export function closeOnSignals(log: Logger, close: () => Promise<void>, drainMs = 0): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    const wait = signal === 'SIGTERM' ? drainMs : 0;
    draining = true;
    for (const listener of drainListeners) listener(wait);
    log.info({ signal, drainMs: wait }, wait > 0 ? 'draining, then shutting down' : 'shutting down');
    new Promise((resolve) => setTimeout(resolve, wait))
      .then(close)
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Started by the local stack with an IPC channel: if that parent dies, do not outlive it.
  if (process.send) process.once('disconnect', () => stop('SIGTERM'));
}


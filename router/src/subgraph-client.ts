/**
 * How the router calls one subgraph: over a keep-alive connection pool (undici), signed with the
 * shared secret, in a client span, inside resilience policies (cockatiel):
 *
 * - a timeout per attempt (SUBGRAPH_TIMEOUT_MS);
 * - retries with exponential backoff for queries only, never mutations, and only on transport errors
 *   (no answer, connection refused/reset, 502/503/504), within a retry budget: retries may add at most
 *   RETRY_BUDGET_RATIO extra requests over the last ten seconds, so a struggling subgraph is not
 *   hammered (Apollo's router no longer retries at all; we keep this narrow form);
 * - a circuit breaker that opens after BREAKER_FAILURES consecutive failures, fails fast while open,
 *   and lets one trial request through after BREAKER_HALF_OPEN_MS.
 *
 * Identical queries in flight at the same time are sent once (Apollo's router calls this
 * `deduplicate_query`): the same subgraph, body and forwarded claims share one exchange (a client
 * serves one subgraph at one URL, so an exchange is never shared across a reload that moved it), and every
 * waiter parses its own copy of the answer, since the gateway merges answers into its result in place.
 * Mutations are never shared. SUBGRAPH_DEDUPLICATE=false turns it off.
 *
 * Failures come back as GraphQL errors shaped like Apollo's router's (SUBREQUEST_HTTP_ERROR with the
 * service and reason, GATEWAY_TIMEOUT for timeouts), so the gateway answers with partial data.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import { Agent, request } from 'undici';
import { CLAIMS_HEADER } from '@commerce/kit/auth';
import { SIGNATURE_HEADER, signRequest } from '@commerce/kit/router-trust';
import { inSpan, SpanKind, traceHeaders } from '@commerce/kit/telemetry';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '@commerce/kit/logger';
import type { RouterMetrics } from './metrics.js';

export interface SubgraphClientOptions {
  name: string;
  url: string;
  secret: string;
  timeoutMs: number;
  retries: number;
  retryBudgetRatio: number;
  breakerFailures: number;
  breakerHalfOpenMs: number;
  deduplicate: boolean;
  /**
   * Whether each call gets a client span (default true). Off when this process exports no traces: the
   * span would record nothing, yet cost its creation, a context and an AsyncLocalStorage frame per call.
   */
  spans?: boolean;
  log: Logger;
  metrics: RouterMetrics;
}

class HttpStatusError extends Error {
  constructor(readonly status: number, readonly statusText: string) {
    super(`${status} ${statusText}`);
  }
}

/** Worth retrying: the request may not have been processed, or the subgraph is briefly unavailable. */
function isTransportError(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.status === 502 || error.status === 503 || error.status === 504;
  const code = (error as { code?: string }).code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(code);
}

/** Counts the subgraph as failing (for the breaker): transport errors, timeouts and 5xx answers. */
function isFailure(error: unknown): boolean {
  return error instanceof TaskCancelledError || isTransportError(error) || (error instanceof HttpStatusError && error.status >= 500);
}

/** Retries allowed while they stay under `ratio` of the requests of the last ten seconds (at least 3). */
class RetryBudget {
  private window: { at: number; requests: number; retries: number }[] = [];

  constructor(private readonly ratio: number) {}

  private bucket() {
    const now = Date.now();
    this.window = this.window.filter((entry) => now - entry.at < 10_000);
    let current = this.window.at(-1);
    if (!current || now - current.at >= 1_000) {
      current = { at: now, requests: 0, retries: 0 };
      this.window.push(current);
    }
    return current;
  }

  recordRequest(): void {
    this.bucket().requests += 1;
  }

  tryRetry(): boolean {
    const current = this.bucket();
    const requests = this.window.reduce((sum, entry) => sum + entry.requests, 0);
    const retries = this.window.reduce((sum, entry) => sum + entry.retries, 0);
    if (retries >= Math.max(3, requests * this.ratio)) return false;
    current.retries += 1;
    return true;
  }
}

export class SubgraphClient {
  private readonly agent: Agent;
  private readonly target: string;
  private readonly budget: RetryBudget;
  private readonly breaker;
  private readonly queryPolicy;
  private readonly mutationPolicy;
  /** Set once a newer client of this subgraph owns its breaker gauge (after a supergraph reload). */
  private retired = false;
  /** Query exchanges in flight, by claims and body: the answer's text, or a GraphQL error. */
  private readonly inFlight = new Map<string, Promise<Answer>>();
  /** Errors thrown by a query's last allowed attempt: no retry follows them. */
  private readonly lastAttemptErrors = new WeakSet<object>();

  constructor(private readonly options: SubgraphClientOptions) {
    const url = new URL(options.url);
    this.target = `POST ${url.pathname}${url.search}`;
    this.agent = new Agent({ keepAliveTimeout: 30_000, connections: 256, pipelining: 1 });
    this.budget = new RetryBudget(options.retryBudgetRatio);
    this.breaker = circuitBreaker(handleWhen(isFailure), {
      halfOpenAfter: options.breakerHalfOpenMs,
      breaker: new ConsecutiveBreaker(options.breakerFailures),
    });
    const state = options.metrics.breakerState.labels({ subgraph: options.name });
    state.set(0);
    this.breaker.onStateChange((next) => {
      if (this.retired) return;
      const value = next === CircuitState.Open || next === CircuitState.Isolated ? 2 : next === CircuitState.HalfOpen ? 1 : 0;
      state.set(value);
      options.log.warn({ subgraph: options.name, state: CircuitState[next] }, 'subgraph circuit breaker changed state');
    });
    // abortOnReturn off: cockatiel otherwise aborts every attempt's signal once it has returned, and
    // each abort builds a DOMException with a stack trace; the answer has been read in full by then, so
    // there is nothing left to cancel (a timeout still aborts the request in flight).
    const attemptTimeout = timeout(options.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
    // The budget is charged only for a retry that will happen: an error of the last attempt is not retried
    // (cockatiel asks the predicate about it all the same), so it must not spend the budget.
    const retries = retry(handleWhen((error) => isTransportError(error) && !this.lastAttemptErrors.has(error as object) && this.budget.tryRetry()), {
      maxAttempts: options.retries,
      backoff: new ExponentialBackoff({ initialDelay: 25, maxDelay: 500 }),
    });
    retries.onRetry(() => options.metrics.subgraphRetries.inc({ subgraph: options.name }));
    this.queryPolicy = wrap(retries, this.breaker, attemptTimeout);
    this.mutationPolicy = wrap(this.breaker, attemptTimeout);
  }

  /** Sends one GraphQL request; resolves to the subgraph's JSON answer or a GraphQL error in its place. */
  async send(body: string, headers: Record<string, string>, retryable: boolean): Promise<Record<string, unknown>> {
    return (await this.sendWithPolicy(body, headers, retryable)).response;
  }

  /**
   * As `send`, with the answer's `Cache-Control` header (the subgraph's cache policy, for the entity
   * cache; undefined for an error the router made up).
   */
  async sendWithPolicy(body: string, headers: Record<string, string>, retryable: boolean): Promise<{ response: Record<string, unknown>; cacheControl: string | undefined }> {
    if (!retryable || !this.options.deduplicate) return answered(await this.exchange(body, headers, retryable));
    const key = `${headers[CLAIMS_HEADER] ?? ''}\n${body}`;
    let shared = this.inFlight.get(key);
    if (shared) {
      this.options.metrics.subgraphDeduplicated.inc({ subgraph: this.options.name });
    } else {
      shared = this.exchange(body, headers, retryable).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, shared);
    }
    return answered(await shared);
  }

  private async exchange(body: string, headers: Record<string, string>, retryable: boolean): Promise<Answer> {
    const { name, metrics } = this.options;
    const started = performance.now();
    let outcome = 'ok';
    try {
      const send = async () => {
        const signed = {
          ...headers,
          ...traceHeaders(),
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signRequest(this.options.secret, this.target, headers[CLAIMS_HEADER], body),
        };
        const policy = retryable ? this.queryPolicy : this.mutationPolicy;
        return policy.execute(async (context) => {
          this.budget.recordRequest();
          // The retry policy numbers attempts from 0; the mutation policy has none (its only attempt is its last).
          const attempt = (context as { attempt?: number }).attempt ?? this.options.retries;
          try {
            const response = await request(this.options.url, { method: 'POST', headers: signed, body, signal: context.signal, dispatcher: this.agent });
            if (response.statusCode >= 300) {
              await response.body.dump();
              throw new HttpStatusError(response.statusCode, statusText(response.statusCode));
            }
            const cacheControl = response.headers['cache-control'];
            return { text: await response.body.text(), cacheControl: Array.isArray(cacheControl) ? cacheControl.join(', ') : cacheControl };
          } catch (error) {
            if (attempt >= this.options.retries && typeof error === 'object' && error !== null) this.lastAttemptErrors.add(error);
            throw error;
          }
        });
      };
      // Without spans the call runs in the request's context: the subgraph still gets the request's
      // trace id in `traceparent`, so logs stay correlated.
      if (this.options.spans === false) return await send();
      return await inSpan(`subgraph ${name}`, { kind: SpanKind.CLIENT, attributes: { 'graphql.subgraph': name, 'server.address': this.options.url } }, send);
    } catch (error) {
      outcome = error instanceof BrokenCircuitError ? 'circuit_open' : error instanceof TaskCancelledError ? 'timeout' : 'error';
      return { error: { errors: [this.toGraphQLError(error)] } };
    } finally {
      metrics.subgraphDuration.observe({ subgraph: name, outcome }, (performance.now() - started) / 1000);
    }
  }

  private toGraphQLError(error: unknown): Record<string, unknown> {
    const service = this.options.name;
    if (error instanceof TaskCancelledError) {
      return { message: `Request to subgraph '${service}' timed out`, path: [], extensions: { code: 'GATEWAY_TIMEOUT', service } };
    }
    const reason =
      error instanceof BrokenCircuitError
        ? 'circuit breaker open'
        : error instanceof HttpStatusError
          ? error.message
          : `error sending request: ${(error as { code?: string }).code ?? (error as Error).message}`;
    return {
      message: `HTTP fetch failed from '${service}': ${reason}`,
      path: [],
      extensions: {
        code: 'SUBREQUEST_HTTP_ERROR',
        service,
        reason,
        ...(error instanceof HttpStatusError ? { [SUBGRAPH_HTTP]: { status: error.status } } : {}),
      },
    };
  }

  /**
   * One signed `{ __typename }` query (the gateway's health check) outside the resilience policies and
   * metrics, for readiness: probing a subgraph that is still starting must not open its breaker.
   * Throws unless the subgraph answers with data.
   */
  async probe(timeoutMs = 1500): Promise<void> {
    const body = JSON.stringify({ query: 'query __ApolloServiceHealthCheck__ { __typename }', operationName: '__ApolloServiceHealthCheck__' });
    const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signRequest(this.options.secret, this.target, undefined, body) };
    const response = await request(this.options.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs), dispatcher: this.agent });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`);
    if (!(JSON.parse(text) as { data?: unknown }).data) throw new Error('answered without data');
  }

  /** Stops reporting this subgraph's breaker state: a reload moved or removed it, and it only drains. */
  retire(): void {
    this.retired = true;
  }

  /** Closes the connection pool once the requests it is sending have finished. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

/**
 * Where a subgraph error's `extensions.http` travels through the gateway. Apollo Server reads
 * `extensions.http` on any error as the head of the router's own response (its status and headers) and
 * strips it, so a subgraph's 503 would become the router's status and the client would lose it;
 * `restoreSubgraphHttp` (the router's formatError) puts it back as `extensions.http` after that step.
 */
export const SUBGRAPH_HTTP = 'subgraphHttp';

/** Moves `extensions.http` of every error in a subgraph's answer to SUBGRAPH_HTTP (see there). */
function shelterHttp(answer: Record<string, unknown>): Record<string, unknown> {
  if (answer === null || typeof answer !== 'object') return answer; // not GraphQL: the gateway reports it
  const errors = Array.isArray(answer.errors) ? (answer.errors as { extensions?: Record<string, unknown> }[]) : [];
  for (const error of errors) {
    if (error?.extensions && 'http' in error.extensions) {
      error.extensions[SUBGRAPH_HTTP] = error.extensions.http;
      delete error.extensions.http;
    }
  }
  return answer;
}

/**
 * Wraps formatError so a subgraph fetch's HTTP status reaches the client as `extensions.http`
 * (Apollo's router: SUBREQUEST_HTTP_ERROR carries `http: { status }`) while the router answers 200:
 * the subgraph client carries it under SUBGRAPH_HTTP past Apollo Server, which would otherwise make
 * it the router's own status. A masked error keeps nothing.
 */
export function restoreSubgraphHttp(format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    if (!result.extensions || !(SUBGRAPH_HTTP in result.extensions)) return result;
    const { [SUBGRAPH_HTTP]: http, ...extensions } = result.extensions;
    return { ...result, extensions: { ...extensions, http } };
  };
}

/** A subgraph's answer as text with its Cache-Control header, or the GraphQL error the router put in its place. */
type Answer = { text: string; cacheControl: string | undefined; error?: undefined } | { error: Record<string, unknown> };

/** Each caller gets its own copy: the answer's text parsed, or a copy of the error answer. */
function answered(answer: Answer): { response: Record<string, unknown>; cacheControl: string | undefined } {
  if (answer.error) return { response: shelterHttp(structuredClone(answer.error)), cacheControl: undefined };
  return { response: shelterHttp(JSON.parse(answer.text) as Record<string, unknown>), cacheControl: answer.cacheControl };
}

function statusText(status: number): string {
  const texts: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 413: 'Payload Too Large', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };
  return texts[status] ?? 'Error';
}

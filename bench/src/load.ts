/**
 * Load for a fixed duration at a fixed concurrency, reduced to the figures the report prints. Gateways
 * are driven by autocannon (one keep-alive connection per concurrent client); the direct baseline, which
 * is several requests per operation, by the same number of concurrent loops. Both record every
 * operation's latency, from sending to the whole answer, in an HDR histogram (microseconds).
 */
import { isMainThread } from 'node:worker_threads';
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';
import type { HitRate } from './entity-cache.js';
import type { CpuPerRequest } from './process-cpu.js';
import type { SagaLag } from './saga-lag.js';

export interface Figures {
  requestsPerSecond: number;
  /** Seconds the point lasted (autocannon may overrun the duration by the last answers). */
  seconds: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /**
   * Transport errors, timeouts, non-2xx answers and answers carrying GraphQL errors; for gateways, also
   * the requests still unanswered when the point ended that had waited longer than its slowest answer.
   */
  errors: number;
  /** Of `errors`, those unanswered requests (loadHttp); 0 or absent when none. */
  unanswered?: number;
  /** Good answers (2xx without GraphQL errors): what req/s and CPU per request count. */
  requests: number;
  /** CPU per request of each process during this point (process-cpu.ts), in ms. */
  cpu?: CpuPerRequest;
  /** Requests per CPU-second of gateway + subgraphs + PostgreSQL backends together. */
  requestsPerCpuSecond?: number;
  /** The write scenario: accept → CONFIRMED of the orders this point placed (bench/src/saga-lag.ts). */
  saga?: SagaLag;
  /** Our routers: the entity cache's lookups during the point (bench/src/entity-cache.ts); none with the cache off. */
  entityCache?: HitRate;
}

export interface LoadOptions {
  concurrency: number;
  durationSeconds: number;
}

const newHistogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });

function figures(histogram: hdr.Histogram, requests: number, errors: number, seconds: number): Figures {
  const ms = (p: number) => Math.round(histogram.getValueAtPercentile(p) / 10) / 100;
  return { requestsPerSecond: Math.round(requests / seconds), seconds: Math.round(seconds * 100) / 100, p50Ms: ms(50), p95Ms: ms(95), p99Ms: ms(99), errors, requests };
}

/** One HTTP request of a load: its JSON body and extra headers. */
export interface HttpRequest {
  body: string;
  headers: Record<string, string>;
  /** Text a right answer contains (the requesting user's id, for an answer about them); absent: not checked. */
  expect?: string;
}

/**
 * The requests still in flight when a point ends that count against it: those that had already waited
 * longer than the point's slowest answer (all of them when nothing was answered). Their true latency is
 * known to exceed every recorded one, so counting them, with their wait so far as a lower bound, can
 * only make the figures worse; a request sent just before the end, younger than that, says nothing and
 * is left out. Without this, a gateway too slow to answer anything within a point reads as 0 req/s with
 * 0 errors. Waits in microseconds.
 */
export function unansweredAtEnd(waitsUs: Iterable<number>, slowestAnswerUs: number): number[] {
  return [...waitsUs].filter((wait) => wait > slowestAnswerUs);
}

/**
 * POSTs from `concurrency` connections for the duration; each request is the next of `next()` (so every
 * request may carry its own user's token and arguments). `inspect` sees every answer's body. An answer
 * without the text its request `expect`s (another user's data) counts as an error, not an answer; so
 * does a request left unanswered at the end that waited longer than any answer (`unansweredAtEnd`).
 */
export async function loadHttp(url: string, next: () => HttpRequest, { concurrency, durationSeconds }: LoadOptions, inspect?: (body: string) => void): Promise<Figures> {
  const histogram = newHistogram();
  let wrongAnswers = 0;
  // When each connection's request in flight was built (autocannon builds it as it sends it), in ms.
  const inFlight = new Map<object, number>();
  // Requests built after autocannon's deadline are never sent; waits are measured up to it.
  const deadline = performance.now() + durationSeconds * 1000;
  let finish!: (result: autocannon.Result) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const instance = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // Called for every request (autocannon rebuilds a request that has a setupRequest each time).
    requests: [
      {
        // The context is the connection's, and a connection has one request in flight at a time.
        setupRequest: (request, context: { expect?: string }) => {
          const { body, headers, expect } = next();
          context.expect = expect;
          inFlight.set(context, performance.now());
          return { ...request, body, headers: { ...request.headers, ...headers } };
        },
        onResponse: (status: number, body: string, context: { expect?: string }) => {
          inFlight.delete(context);
          if (status === 200 && context.expect && !body.includes(context.expect) && !body.includes('"errors"')) wrongAnswers += 1;
        },
      },
    ],
    connections: concurrency,
    duration: durationSeconds,
    timeout: 30,
    // A 200 that carries GraphQL errors is a failed operation, not a fast one.
    verifyBody: (text) => {
      if (text === undefined) return false;
      inspect?.(String(text));
      return !String(text).includes('"errors"');
    },
  }, (error, result) => (error ? fail(error) : finish(result)));
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    if (statusCode === 200) histogram.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
  });
  const result = aggregated(await done, url, concurrency);
  const waits = [...inFlight.values()].filter((sent) => sent < deadline).map((sent) => Math.round((deadline - sent) * 1000));
  const unanswered = unansweredAtEnd(waits, histogram.maxValue);
  for (const wait of unanswered) histogram.recordValue(Math.min(wait, 60_000_000));
  // autocannon counts timeouts among its errors, and non-2xx answers and mismatches among its responses.
  const failedAnswers = result.non2xx + result.mismatches + wrongAnswers;
  // Only good answers count as requests (req/s, CPU per request): a gateway failing fast is not fast.
  // Seconds actually spent: autocannon may overrun the duration by the last answers.
  const point = figures(histogram, Math.max(0, result.requests.total - failedAnswers), result.errors + failedAnswers + unanswered.length, result.duration || durationSeconds);
  return unanswered.length ? { ...point, unanswered: unanswered.length } : point;
}

/**
 * autocannon aggregates its result (`requests.total` and the rest) only on the main thread; elsewhere
 * (a worker, as vitest's unit project runs) it hands back its raw counts, which its exported
 * `aggregateResult` turns into the same shape.
 */
function aggregated(result: autocannon.Result, url: string, connections: number): autocannon.Result {
  if (isMainThread) return result;
  const aggregate = (autocannon as unknown as { aggregateResult: (raw: unknown, options: object) => autocannon.Result }).aggregateResult;
  return aggregate([result], { url, connections });
}

/** Runs `operation` in `concurrency` loops for the duration. */
export async function loadLoop(operation: () => Promise<unknown>, { concurrency, durationSeconds }: LoadOptions): Promise<Figures> {
  const histogram = newHistogram();
  let requests = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationSeconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const start = performance.now();
      try {
        await operation();
        histogram.recordValue(Math.max(1, Math.round((performance.now() - start) * 1000)));
        requests += 1;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return figures(histogram, requests, errors, (performance.now() - started) / 1000);
}

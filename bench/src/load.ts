/**
 * Load for a fixed duration at a fixed concurrency, reduced to the figures the report prints. Gateways
 * are driven by autocannon (one keep-alive connection per concurrent client); the direct baseline, which
 * is several requests per operation, by the same number of concurrent loops. Both record every
 * operation's latency, from sending to the whole answer, in an HDR histogram (microseconds).
 */
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';

export interface Figures {
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Transport errors, timeouts, non-2xx answers and answers carrying GraphQL errors. */
  errors: number;
  requests: number;
  /** CPU the gateway process spent per request during this point (gateways only). */
  gatewayCpuMsPerRequest?: number;
}

export interface LoadOptions {
  concurrency: number;
  durationSeconds: number;
}

const newHistogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });

function figures(histogram: hdr.Histogram, requests: number, errors: number, seconds: number): Figures {
  const ms = (p: number) => Math.round(histogram.getValueAtPercentile(p) / 10) / 100;
  return { requestsPerSecond: Math.round(requests / seconds), p50Ms: ms(50), p95Ms: ms(95), p99Ms: ms(99), errors, requests };
}

/** POSTs `body` to `url` from `concurrency` connections for the duration. */
export async function loadHttp(url: string, body: string, headers: Record<string, string>, { concurrency, durationSeconds }: LoadOptions): Promise<Figures> {
  const histogram = newHistogram();
  let finish!: (result: autocannon.Result) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const instance = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections: concurrency,
    duration: durationSeconds,
    timeout: 10,
    // A 200 that carries GraphQL errors is a failed operation, not a fast one.
    verifyBody: (text) => text !== undefined && !String(text).includes('"errors"'),
  }, (error, result) => (error ? fail(error) : finish(result)));
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    if (statusCode === 200) histogram.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
  });
  const result = await done;
  const errors = result.errors + result.timeouts + result.non2xx + result.mismatches;
  // Seconds actually spent: autocannon may overrun the duration by the last answers.
  return figures(histogram, result.requests.total, errors, result.duration || durationSeconds);
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
  return figures(histogram, requests + errors, errors, (performance.now() - started) / 1000);
}

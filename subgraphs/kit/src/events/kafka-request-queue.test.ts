import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * KafkaJS's per-connection request queue, as patches/kafkajs+2.2.4.patch leaves it. Upstream 2.2.4
 * re-arms a pending-request check after every response even when nothing waits, with a negative delay
 * that Node runs after 1 ms: each idle connection woke its thread a thousand times a second (kafkajs
 * issues #1556, #1604, #1704), which cost every subgraph ~4% of a core while idle and a fifth of its CPU
 * per request under the bench's load (docs/performance.md, "A 1 ms timer in every Kafka connection").
 * If the patch stops applying (a KafkaJS upgrade), these fail.
 */
interface Entry {
  correlationId: number;
  resolve: (response: unknown) => void;
  reject: (error: unknown) => void;
}
interface Queue {
  push(request: { entry: Entry; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number | null): void;
  destroy(): void;
}
const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as new (options: object) => Queue;

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const entry = (correlationId: number): Entry => ({ correlationId, resolve() {}, reject() {} });
const newQueue = (maxInFlightRequests: number | null) =>
  new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: '127.0.0.1:9092', logger: silent });
/** The broker's (empty) response to request `correlationId`. */
const answer = (queue: Queue, correlationId: number) => queue.fulfillRequest({ correlationId, payload: Buffer.alloc(0), size: 0 });

describe('KafkaJS request queue (patched): no timer while nothing waits', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('leaves no timer armed once a request is answered', () => {
    const queue = newQueue(1);
    const sent: number[] = [];
    queue.push({ entry: entry(1), expectResponse: true, sendRequest: () => sent.push(1) });
    answer(queue, 1);
    expect(sent).toEqual([1]);
    expect(vi.getTimerCount()).toBe(0);
    queue.destroy();
  });

  it('still sends a request that waited for an in-flight slot, then disarms', () => {
    const queue = newQueue(1);
    const sent: number[] = [];
    for (const id of [1, 2, 3]) queue.push({ entry: entry(id), expectResponse: true, sendRequest: () => sent.push(id) });
    expect(sent).toEqual([1]);
    answer(queue, 1);
    expect(sent).toEqual([1, 2]);
    answer(queue, 2);
    answer(queue, 3);
    expect(sent).toEqual([1, 2, 3]);
    vi.advanceTimersByTime(100);
    expect(vi.getTimerCount()).toBe(0);
    queue.destroy();
  });

  it('sends a request held by a broker throttle when the throttle ends, with no check left armed after', () => {
    const queue = newQueue(null);
    const sent: number[] = [];
    queue.maybeThrottle(50);
    queue.push({ entry: entry(1), expectResponse: true, sendRequest: () => sent.push(1) });
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(60);
    expect(sent).toEqual([1]);
    answer(queue, 1);
    vi.advanceTimersByTime(100);
    expect(vi.getTimerCount()).toBe(0);
    queue.destroy();
  });
});

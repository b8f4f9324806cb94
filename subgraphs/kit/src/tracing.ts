/**
 * Trace context for logs and events. Each request (or consumed event) runs with its W3C trace
 * context in AsyncLocalStorage, so code deep inside (the outbox, a consumer publishing a reply) can
 * stamp events with the trace they belong to without threading it through every call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

export interface TraceContext {
  traceId: string;
  traceparent: string;
}

const storage = new AsyncLocalStorage<TraceContext>();

/** The caller's trace (from a `traceparent` value) continued with a new span id, or a fresh trace. */
export function traceFrom(traceparent: unknown): TraceContext {
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent) : null;
  const traceId = match?.[1] ?? randomBytes(16).toString('hex');
  const flags = match?.[3] ?? '01';
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}` };
}

export function traceIdOf(headers: IncomingHttpHeaders): string {
  return enterTrace(traceFrom(headers.traceparent)).traceId;
}

/** Makes `trace` current for the rest of this async execution (a request's hooks and handler). */
export function enterTrace(trace: TraceContext): TraceContext {
  storage.enterWith(trace);
  return trace;
}

export function runInTrace<T>(trace: TraceContext, fn: () => T): T {
  return storage.run(trace, fn);
}

export function currentTrace(): TraceContext | undefined {
  return storage.getStore();
}

/** Headers that carry the current trace to the next hop (an HTTP call or a Kafka message). */
export function traceHeaders(): Record<string, string> {
  const trace = storage.getStore();
  return trace ? { traceparent: trace.traceparent } : {};
}

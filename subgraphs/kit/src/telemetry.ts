/**
 * OpenTelemetry tracing for every process, wired by hand rather than by module-loader hooks (which
 * ESM makes fragile): W3C trace context in AsyncLocalStorage, a span per HTTP request and per
 * subgraph fetch, Prisma's own instrumentation for queries, and spans across Kafka through message
 * headers. Spans are exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set; without it they
 * are not recorded, but trace ids are still made and propagated, so logs and events stay correlated.
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { PrismaInstrumentation } from '@prisma/instrumentation';

export { SpanKind, SpanStatusCode, type Span };

let provider: TracerProvider | null = null;
let exportingSpans = false;

/**
 * Whether this process exports spans (startTelemetry ran with an OTLP endpoint). When it does not, no
 * span is ever reported, so a hot path may skip creating one where the current context already carries
 * the trace id it propagates (the router's per-subgraph-call span).
 */
export function tracesExported(): boolean {
  return exportingSpans;
}

/** Sets up tracing for this process once; returns how to flush it on shutdown. */
export function startTelemetry(service: string, endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT): () => Promise<void> {
  if (provider) return () => provider!.shutdown();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const exporting = Boolean(endpoint);
  exportingSpans = exporting;
  provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.namespace': 'commerce' }),
    sampler: new ParentBasedSampler({ root: exporting ? new AlwaysOnSampler() : new AlwaysOffSampler() }),
    spanProcessors: exporting
      ? [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint!.replace(/\/$/, '')}/v1/traces` }), scheduledDelayMillis: 500 })]
      : [],
  });
  trace.setGlobalTracerProvider(provider);
  if (exporting) registerInstrumentations({ instrumentations: [new PrismaInstrumentation()] });
  return () => provider!.shutdown();
}

export const tracer = () => trace.getTracer('commerce');

/** The trace id of the current context (a request, a consumed event), or a fresh one outside any. */
export function currentTraceId(): string {
  const spanContext = trace.getSpanContext(context.active());
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : 'none';
}

/** Headers that carry the current trace to the next hop (an HTTP call, a Kafka message, the outbox). */
export function traceHeaders(from: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return carrier;
}

export function contextFrom(headers: Record<string, unknown>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, {
    get: (carrier, key) => {
      const value = carrier[key];
      if (Array.isArray(value)) return value.map(String);
      return value === undefined ? undefined : String(value);
    },
    keys: (carrier) => Object.keys(carrier),
  });
}

/**
 * Runs `fn` in a new active span (a child of `parent`, default: the current context), recording a
 * thrown error on it. The span ends when `fn` settles.
 */
export function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, options.parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Starts a SERVER span for an incoming HTTP request and runs `handle` inside it. */
export function serveInSpan(
  method: string,
  path: string,
  headers: Record<string, unknown>,
  handle: (end: (status: number) => void) => void,
): void {
  const parent = contextFrom(headers);
  const span = tracer().startSpan(`${method} ${path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } }, parent);
  const end = (status: number) => {
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  context.with(trace.setSpan(parent, span), () => handle(end));
}

/** Prometheus metrics every process exposes on /metrics (prom-client, one registry per process). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Operation names are chosen by clients; past this many distinct ones, the rest share one label. */
const MAX_OPERATION_LABELS = 200;
/** Longer names (a GraphQL name has no length limit) are labelled `other`: each label repeats on every series of every scrape. */
const MAX_OPERATION_LABEL_LENGTH = 128;

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const seenOperations = new Set<string>();

  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route, method and status code',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    operations: new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations by name and type',
      labelNames: ['operation', 'type'] as const,
      registers,
    }),
    operationDuration: new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'GraphQL operation latency by name',
      labelNames: ['operation', 'type'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    errors: new Counter({
      name: 'graphql_errors_total',
      help: 'GraphQL errors returned to clients, by code',
      labelNames: ['code'] as const,
      registers,
    }),
    dbQueries: new Counter({
      name: 'db_queries_total',
      help: 'SQL statements sent by Prisma (from its query events), by source: graphql or events',
      labelNames: ['source'] as const,
      registers,
    }),
    ready: new Gauge({
      name: 'service_ready',
      help: '1 when every readiness check passed at the last /ready probe',
      registers,
    }),
    /**
     * A bounded label for a client-chosen operation name: the name itself for the first 200 distinct
     * names of at most 128 characters, `other` for the rest, `anonymous` without one.
     */
    operationLabel(name: string | null | undefined): string {
      if (!name) return 'anonymous';
      if (name.length > MAX_OPERATION_LABEL_LENGTH) return 'other';
      if (seenOperations.has(name)) return name;
      if (seenOperations.size >= MAX_OPERATION_LABELS) return 'other';
      seenOperations.add(name);
      return name;
    },
  };
}

/** Prometheus metrics every process exposes on /metrics (prom-client, one registry per process). */
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';

const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Operation names are chosen by clients; past this many distinct ones, the rest share one label. */
const MAX_OPERATION_LABELS = 200;
/** Longer names (a GraphQL name has no length limit) are labelled `other`: each label repeats on every series of every scrape. */
const MAX_OPERATION_LABEL_LENGTH = 128;

export type Metrics = ReturnType<typeof createMetrics>;

/** Metrics as `Registry.getMetricsAsJSON` gives them: what a worker thread sends its process's registry. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/**
 * The registry of one process, or of one worker thread of it: `processMetrics: false` leaves out
 * prom-client's default process and Node.js metrics, which the main thread already reports for the
 * whole process.
 */
export function createMetrics(service: string, options: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const seenOperations = new Set<string>();
  const sources: (() => Promise<MetricsSnapshot>)[] = [];

  return {
    registry,
    /**
     * Adds metrics kept by another thread of this process (the event machinery's worker) to what
     * `exposition` serves. A source that fails contributes nothing to that scrape.
     */
    addSource(source: () => Promise<MetricsSnapshot>): void {
      sources.push(source);
    },
    /**
     * The Prometheus text format of this registry and its sources: series of one name and labels in
     * several threads summed (counters and histograms, e.g. `db_queries_total`), the rest as they are.
     */
    async exposition(): Promise<string> {
      if (sources.length === 0) return registry.metrics();
      const snapshots = [await registry.getMetricsAsJSON(), ...(await Promise.all(sources.map((source) => source().catch(() => []))))];
      return mergeSnapshots(snapshots).metrics();
    },
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

/**
 * prom-client's cluster aggregation, with the aggregator chosen here: a metric one snapshot alone has
 * passes through (its own aggregator may be `omit`, meant for copies from several processes), one
 * several have is summed.
 */
function mergeSnapshots(snapshots: MetricsSnapshot[]): Registry {
  const holders = new Map<string, number>();
  for (const snapshot of snapshots) for (const metric of snapshot) holders.set(metric.name, (holders.get(metric.name) ?? 0) + 1);
  const chosen = snapshots.map((snapshot) =>
    snapshot.map((metric) => ({ ...metric, aggregator: holders.get(metric.name) === 1 ? ('first' as const) : ('sum' as const) })),
  );
  return AggregatorRegistry.aggregate(chosen);
}

/** The router's own metrics, beside the kit's HTTP and GraphQL ones, on the same registry. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type RouterMetrics = ReturnType<typeof createRouterMetrics>;

export function createRouterMetrics(registry: Registry) {
  const registers = [registry];
  return {
    subgraphDuration: new Histogram({
      name: 'subgraph_request_duration_seconds',
      help: 'Router to subgraph request latency, by subgraph and outcome (ok, error, timeout, circuit_open)',
      labelNames: ['subgraph', 'outcome'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    subgraphRetries: new Counter({
      name: 'subgraph_retries_total',
      help: 'Subgraph requests retried after a transport error',
      labelNames: ['subgraph'] as const,
      registers,
    }),
    subgraphDeduplicated: new Counter({
      name: 'subgraph_deduplicated_total',
      help: 'Subgraph queries answered by an identical query already in flight, instead of being sent',
      labelNames: ['subgraph'] as const,
      registers,
    }),
    breakerState: new Gauge({
      name: 'subgraph_circuit_state',
      help: 'Circuit breaker per subgraph: 0 closed, 1 half-open, 2 open',
      labelNames: ['subgraph'] as const,
      registers,
    }),
    rejections: new Counter({
      name: 'router_rejections_total',
      help: 'Requests the router answered itself, by error code (limits, persisted queries, auth, rate limit, ...)',
      labelNames: ['code'] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: 'rate_limit_rejections_total',
      help: 'Requests refused by the per-client rate limit',
      registers,
    }),
    loginFailures: new Counter({
      name: 'login_failures_total',
      help: 'logIn attempts refused by the users subgraph (wrong e-mail or password), counted by the login throttle',
      registers,
    }),
    loginThrottled: new Counter({
      name: 'login_throttled_total',
      help: 'logIn attempts refused with LOGIN_THROTTLED (the account or the client address is locked out after failures)',
      registers,
    }),
    cost: new Histogram({
      name: 'operation_estimated_cost',
      help: 'Estimated cost of operations (demand control)',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 50000],
      registers,
    }),
    entityCacheRequests: new Counter({
      name: 'entity_cache_requests_total',
      help: 'Entity cache lookups by subgraph, entity type (Query for root fetches) and outcome (hit, miss)',
      labelNames: ['subgraph', 'type', 'outcome'] as const,
      registers,
    }),
    entityCacheInvalidations: new Counter({
      name: 'entity_cache_invalidations_total',
      help: 'Entity cache tags purged, by type (Product, Query.products, ...) and source (event, mutation, admin)',
      labelNames: ['type', 'source'] as const,
      registers,
    }),
    entityCacheInvalidationLag: new Histogram({
      name: 'entity_cache_invalidation_lag_seconds',
      help: "From an event's commit (its occurredAt) to the router's purge of what it made stale, by effect (direct, derived: after the deriving service applied it)",
      labelNames: ['effect'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    entityCacheInvalidationUp: new Gauge({
      name: 'entity_cache_invalidation_up',
      help: 'Whether the entity cache reads events (1); 0 while its consumer does not fetch from the broker, when entries fall back to a short TTL',
      registers,
    }),
    supergraphReloads: new Counter({
      name: 'supergraph_reloads_total',
      help: 'Supergraph files loaded after a change, by outcome',
      labelNames: ['outcome'] as const,
      registers,
    }),
  };
}

/** The settings every subgraph reads, with local defaults; each service adds its own to this shape. */
import { env, type ConfigRule } from './config.js';
import { DEV_ROUTER_SECRET } from './router-trust.js';

export const SERVICES = ['users', 'products', 'reviews', 'orders'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const DEFAULT_PORTS: Record<ServiceName | 'router', number> = {
  router: 4000,
  users: 4001,
  products: 4002,
  reviews: 4003,
  orders: 4004,
};

/**
 * Where each process serves /metrics, apart from its public port (`METRICS_PORT`). The router's is
 * Apollo Router's default, 9090; the subgraphs take the next free numbers after 9100 (node-exporter's)
 * rather than 9091-9094, because the local stack's Kafka broker listens on 9092 and 9093.
 */
export const DEFAULT_METRICS_PORTS: Record<ServiceName | 'router', number> = {
  router: 9090,
  users: 9101,
  products: 9102,
  reviews: 9103,
  orders: 9104,
};

/**
 * The secret(s) the router signs subgraph requests with; the first signs, any may verify (rotation).
 * The development default is refused when NODE_ENV=production.
 */
export const routerSecretShape = {
  ROUTER_SHARED_SECRET: env.matching(/^.{16,}$/, DEV_ROUTER_SECRET, 'expected at least 16 characters'),
  ROUTER_SHARED_SECRET_PREVIOUS: env.optionalString(),
};

/** Production must not run with the documented development secret. */
export const productionSecretRule: ConfigRule<{ NODE_ENV: string; ROUTER_SHARED_SECRET: string }> = {
  variable: 'ROUTER_SHARED_SECRET',
  message: 'the development default must not be used when NODE_ENV=production',
  broken: (config) => config.NODE_ENV === 'production' && config.ROUTER_SHARED_SECRET === DEV_ROUTER_SECRET,
};

/**
 * How long a process keeps serving after SIGTERM, with /ready answering 503 and every response
 * closing its connection, before it stops accepting and finishes what is in flight (kit/http.ts,
 * `closeOnSignals`). 0 (the default) stops at once, as `npm start` and the tests want; Kubernetes sets
 * it (deploy/k8s) so load balancers still routing to the pod see it leave before it closes.
 */
export const shutdownShape = {
  SHUTDOWN_DRAIN_MS: env.int(0, { min: 0, max: 120_000 }),
};

export function subgraphConfigShape(service: ServiceName) {
  return {
    ...routerSecretShape,
    NODE_ENV: env.nodeEnv(),
    HOST: env.string('127.0.0.1'),
    PORT: env.port(DEFAULT_PORTS[service]),
    /** The port of /metrics (Prometheus), which the public port does not serve. */
    METRICS_PORT: env.port(DEFAULT_METRICS_PORTS[service]),
    LOG_LEVEL: env.logLevel(),
    ...shutdownShape,
    DATABASE_URL: env.postgresUrl(`postgresql://postgres@127.0.0.1:5432/commerce_${service}`),
    DATABASE_POOL_SIZE: env.int(10, { min: 1, max: 200 }),
    /** Connections of the separate pool the outbox relay and the event consumers use. */
    EVENTS_POOL_SIZE: env.int(4, { min: 2, max: 50 }),
    KAFKA_BROKERS: env.list(['127.0.0.1:9092']),
    /** Prepended to every topic and consumer group name (tests isolate suites with it). */
    KAFKA_TOPIC_PREFIX: env.matching(/^[A-Za-z0-9._-]*$/, '', 'letters, digits, dots, dashes, underscores'),
    OUTBOX_POLL_MS: env.int(500, { min: 10, max: 60_000 }),
    /** Attempts to apply an event before it goes to the dead-letter topic. */
    EVENT_MAX_ATTEMPTS: env.int(5, { min: 1, max: 100 }),
    /**
     * How long a read of an event-fed replica (the orders catalog, the reviews' known products) waits
     * for something created a moment ago in another service to arrive.
     */
    REPLICA_WAIT_MS: env.int(3000, { min: 0, max: 30_000 }),
    /** The shop's one currency: prices, totals and spend are all in it. */
    CURRENCY: env.matching(/^[A-Z]{3}$/, 'USD', 'expected an ISO-4217 code such as USD'),
  };
}

/** What the global setup provides to every suite (through vitest's provide/inject). */
import type { ServiceName } from '@commerce/kit/service-config';

export interface RunContext {
  /** Any URL on the PostgreSQL server the run uses. */
  serverUrl: string;
  /** Migrated template databases, `<templatePrefix>_<service>`, for suites that need their own copies. */
  templatePrefix: string;
  /** Prefix of every database this run creates (`TEST_DATABASE_PREFIX`, default `commerce_test`). */
  databasePrefix: string;
  brokers: string[];
  /** The shared stack, for cross-service suites. */
  routerUrl: string;
  /** The built storefront, served against the shared router. */
  storefrontUrl: string;
  subgraphUrls: Record<ServiceName, string>;
  /** `http://127.0.0.1:<METRICS_PORT>/metrics` of the shared router and of each subgraph. */
  metricsUrls: Record<ServiceName | 'router', string>;
  databaseUrls: Record<ServiceName, string>;
  topicPrefix: string;
  /** Stops or starts the run's broker (POST /broker/stop, /broker/start); null with an external broker. */
  controlUrl: string | null;
  /** The run's control endpoint: GET /spans?traceId= lists the spans the collector received. */
  runControlUrl: string;
  redisUrl: string;
  /** The secret the stack's router signs subgraph requests with. */
  routerSecret: string;
  /** Where the users service of the shared stack keeps its signing key (to mint expired tokens). */
  jwtKeyDir: string;
  adminEmail: string;
  adminPassword: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    run: RunContext;
  }
}

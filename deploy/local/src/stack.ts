/**
 * The whole platform on one machine, as `npm start` and the test suites run it: databases created and
 * migrated, a Kafka broker (unless one is given) with the topics, the four subgraphs and the router
 * as child processes, each waited for until /ready answers. Once everything is ready, every process
 * (the local broker included) is supervised: an unexpected exit restarts it with back-off, a crash loop
 * stops that process alone (see processes.ts). Each step is reported with its duration.
 */
import { createKafka, ensureTopics } from '@commerce/kit/events/kafka';
import { createLogger } from '@commerce/kit/logger';
import { kafkaSecurityEnv, SERVICES, type KafkaSecuritySettings, type ServiceName } from '@commerce/kit/service-config';
import { ensureKafkaJars, startBroker, type Broker } from './kafka-broker.js';
import { migrateDatabase } from './migrations.js';
import { databaseUrl, ensureDatabases, serviceDatabaseNames } from './postgres.js';
import {
  answersOk,
  DEFAULT_RESTART_POLICY,
  startNodeProcess,
  waitUntilReady,
  type RestartPolicy,
  type SupervisedProcess,
} from './processes.js';
import { step } from './progress.js';
import { ensureStorefrontBuilt, serveStorefront, type StorefrontServer } from './storefront.js';

export type Ports = Record<ServiceName | 'router', number>;

export interface StackOptions {
  /** Any database URL on the PostgreSQL server to use; the service databases are derived from it. */
  serverUrl: string;
  /** Service databases are named `<prefix>_users`, `<prefix>_products`, ... */
  databasePrefix: string;
  /** Use these brokers; unset: run a local broker with `broker`. */
  kafkaBrokers?: string[];
  /** TLS and SASL for `kafkaBrokers` (KAFKA_SSL, KAFKA_SASL_*), for the stack's own client and every process. */
  kafkaSecurity?: Partial<KafkaSecuritySettings>;
  broker?: { dataDir: string; port: number; controllerPort: number; fresh?: boolean };
  topicPrefix: string;
  host: string;
  ports: Ports;
  /** Where each process serves /metrics (METRICS_PORT); the public ports do not. */
  metricsPorts: Ports;
  logsDir: string;
  /** Extra environment for every child process (log level, NODE_ENV, secrets, ...). */
  env?: Record<string, string>;
  /** Also serve the built storefront on this port (built first if needed). */
  storefrontPort?: number;
  /** Progress lines for a person watching, and the supervisor's restart lines. */
  report?: (line: string) => void;
  /** Apply pending migrations first (default); false when the databases are clones of migrated templates. */
  migrate?: boolean;
  /** How crashed processes are restarted once the stack is up; null: not at all. */
  restartPolicy?: RestartPolicy | null;
}

/** The environment that tells one process of the stack where to listen: its PORT and its METRICS_PORT. */
export function processPorts(name: ServiceName | 'router', options: Pick<StackOptions, 'ports' | 'metricsPorts'>): { PORT: string; METRICS_PORT: string } {
  return { PORT: String(options.ports[name]), METRICS_PORT: String(options.metricsPorts[name]) };
}

export interface Stack {
  routerUrl: string;
  storefrontUrl: string | null;
  subgraphUrls: Record<ServiceName, string>;
  /** `http://host:port/metrics` of the router and of each subgraph. */
  metricsUrls: Record<ServiceName | 'router', string>;
  databaseUrls: Record<ServiceName, string>;
  brokers: string[];
  broker: Broker | null;
  /** The four subgraphs and the router, in start order. */
  processes: SupervisedProcess[];
  stop: () => Promise<void>;
}

const ENTRY: Record<ServiceName | 'router', string> = {
  users: 'subgraphs/users/src/index.ts',
  products: 'subgraphs/products/src/index.ts',
  reviews: 'subgraphs/reviews/src/index.ts',
  orders: 'subgraphs/orders/src/index.ts',
  router: 'router/src/index.ts',
};

/** The router's SUBGRAPH_URL_OVERRIDES value for these subgraph URLs: `users=http://...,products=...`. */
export function subgraphUrlOverrides(urls: Partial<Record<string, string>>): string {
  return Object.entries(urls)
    .map(([name, url]) => `${name}=${url}`)
    .join(',');
}

/** How long a process may take to answer /ready at start: tsx compiling four services on a busy 2-core machine takes most of a minute. */
const READY_TIMEOUT_MS = 120_000;

export async function startStack(options: StackOptions): Promise<Stack> {
  const report = options.report ?? (() => undefined);
  const processes: SupervisedProcess[] = [];
  let broker: Broker | null = null;
  let storefront: StorefrontServer | null = null;
  // Every step runs whatever the previous one did: a stuck or failing part must not leave the others running.
  const stop = async () => {
    for (const managed of [...processes, ...(broker ? [broker.process] : [])]) managed.unsupervise();
    await Promise.allSettled([storefront?.close()]);
    await Promise.allSettled(processes.filter((p) => p.name === 'router').map((p) => p.stop()));
    await Promise.allSettled(processes.filter((p) => p.name !== 'router').map((p) => p.stop()));
    await Promise.allSettled([broker?.stop()]);
  };

  try {
    const names = serviceDatabaseNames(options.databasePrefix);
    await step(report, 'databases', () => ensureDatabases(options.serverUrl, Object.values(names)), (created) =>
      created.length > 0 ? `created databases ${created.join(', ')}` : `databases ${Object.values(names).join(', ')} present`,
    );
    const databaseUrls = Object.fromEntries(
      SERVICES.map((service) => [service, databaseUrl(options.serverUrl, names[service])]),
    ) as Record<ServiceName, string>;
    if (options.migrate !== false) {
      report(`applying migrations to ${SERVICES.length} databases`);
      await step(report, 'migrations', () => Promise.all(SERVICES.map((service) => migrateDatabase(service, databaseUrls[service]))), (outputs) => {
        const migrated = SERVICES.filter((_, index) => !/No pending migrations/.test(outputs[index] ?? ''));
        return migrated.length > 0 ? `migrations applied to ${migrated.join(', ')}` : 'migrations up to date';
      });
    }

    let brokers = options.kafkaBrokers;
    if (!brokers) {
      const brokerOptions = options.broker;
      if (!brokerOptions) throw new Error('either kafkaBrokers or broker must be given');
      // The first run downloads the jars: reported by itself, so the broker's own step times the JVM alone.
      await ensureKafkaJars(report);
      broker = await step(report, 'kafka broker', () => startBroker({ ...brokerOptions, report }), (started) =>
        `local Kafka broker listening on ${started.brokers.join(',')}`,
      );
      brokers = broker.brokers;
    }
    const kafkaBrokers = brokers;
    // The local broker is plaintext; the security settings belong to the brokers the caller named.
    const security = options.kafkaBrokers ? kafkaSecurityEnv(options.kafkaSecurity ?? {}) : {};
    const connection = options.kafkaBrokers ? { ...options.kafkaSecurity, KAFKA_BROKERS: kafkaBrokers } : kafkaBrokers;
    // A broker restarted on existing data serves "does not host this topic-partition" for a while: retried, and said.
    const onRetry = (error: unknown) => report(`topics: broker not ready yet (${error instanceof Error ? error.message : String(error)}), retrying`);
    await step(report, 'topics', () => ensureTopics(createKafka('stack', connection, createLogger('stack', 'warn')), options.topicPrefix, undefined, { onRetry }), () =>
      `topics ready on ${kafkaBrokers.join(',')}`,
    );

    const base = (port: number) => `http://${options.host}:${port}`;
    const subgraphUrls = Object.fromEntries(
      SERVICES.map((service) => [service, `${base(options.ports[service])}/graphql`]),
    ) as Record<ServiceName, string>;
    // Every process is a Kafka client (the subgraphs, and the router's entity cache): the same brokers, security and prefix.
    const common = {
      HOST: options.host,
      KAFKA_BROKERS: brokers.join(','),
      ...security,
      KAFKA_TOPIC_PREFIX: options.topicPrefix,
      ...options.env,
    };

    for (const service of SERVICES) {
      const readyUrl = `${base(options.ports[service])}/ready`;
      processes.push(
        startNodeProcess(
          service,
          ENTRY[service],
          {
            ...common,
            ...processPorts(service, options),
            DATABASE_URL: databaseUrls[service],
          },
          options.logsDir,
          () => answersOk(readyUrl),
        ),
      );
    }
    await step(report, 'subgraphs', () => Promise.all(processes.map((p) => waitUntilReady(p, `${base(options.ports[p.name as ServiceName])}/ready`, READY_TIMEOUT_MS))), () =>
      `subgraphs ready: ${SERVICES.join(', ')}`,
    );

    const routerReadyUrl = `${base(options.ports.router)}/ready`;
    const router = startNodeProcess(
      'router',
      ENTRY.router,
      {
        ...common,
        ...processPorts('router', options),
        JWKS_URL: `${base(options.ports.users)}/.well-known/jwks.json`,
        // The committed supergraph routes to the default ports; these are the ports this stack chose.
        SUBGRAPH_URL_OVERRIDES: subgraphUrlOverrides(subgraphUrls),
      },
      options.logsDir,
      () => answersOk(routerReadyUrl),
    );
    processes.push(router);
    await step(report, 'router', () => waitUntilReady(router, routerReadyUrl, READY_TIMEOUT_MS), () => 'router ready');
    const routerUrl = `${base(options.ports.router)}/graphql`;

    if (options.storefrontPort !== undefined) {
      const storefrontPort = options.storefrontPort;
      storefront = await step(
        report,
        'storefront',
        async () => {
          await ensureStorefrontBuilt(report);
          return serveStorefront({ host: options.host, port: storefrontPort, graphqlUrl: routerUrl });
        },
        (served) => `storefront served at ${served.url}`,
      );
    }

    // From here on a crash is the supervisor's business, not a failed start.
    const policy = options.restartPolicy === undefined ? DEFAULT_RESTART_POLICY : options.restartPolicy;
    if (policy) for (const managed of [...processes, ...(broker ? [broker.process] : [])]) managed.supervise(policy, report);

    return {
      routerUrl,
      storefrontUrl: storefront?.url ?? null,
      subgraphUrls,
      metricsUrls: Object.fromEntries(
        (['router', ...SERVICES] as const).map((name) => [name, `${base(options.metricsPorts[name])}/metrics`]),
      ) as Record<ServiceName | 'router', string>,
      databaseUrls,
      brokers,
      broker,
      processes,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

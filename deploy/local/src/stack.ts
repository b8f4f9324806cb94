/**
 * The whole platform on one machine, as `npm start` and the test suites run it: databases created and
 * migrated, a Kafka broker (unless one is given) with the topics, the four subgraphs and the router
 * as child processes, each waited for until /ready answers.
 */
import { createKafka, ensureTopics } from '@commerce/kit/events/kafka';
import { createLogger } from '@commerce/kit/logger';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { startBroker, type Broker } from './kafka-broker.js';
import { migrateDatabase } from './migrations.js';
import { databaseUrl, ensureDatabases, serviceDatabaseNames } from './postgres.js';
import { startNodeProcess, waitUntilReady, type ManagedProcess } from './processes.js';
import { ensureStorefrontBuilt, serveStorefront, type StorefrontServer } from './storefront.js';

export type Ports = Record<ServiceName | 'router', number>;

export interface StackOptions {
  /** Any database URL on the PostgreSQL server to use; the service databases are derived from it. */
  serverUrl: string;
  /** Service databases are named `<prefix>_users`, `<prefix>_products`, ... */
  databasePrefix: string;
  /** Use these brokers; unset: run a local broker with `broker`. */
  kafkaBrokers?: string[];
  broker?: { dataDir: string; port: number; controllerPort: number; fresh?: boolean };
  topicPrefix: string;
  host: string;
  ports: Ports;
  logsDir: string;
  /** Extra environment for every child process (log level, NODE_ENV, secrets, ...). */
  env?: Record<string, string>;
  /** Also serve the built storefront on this port (built first if needed). */
  storefrontPort?: number;
  /** Progress lines for a person watching. */
  report?: (line: string) => void;
}

export interface Stack {
  routerUrl: string;
  storefrontUrl: string | null;
  subgraphUrls: Record<ServiceName, string>;
  databaseUrls: Record<ServiceName, string>;
  brokers: string[];
  broker: Broker | null;
  processes: ManagedProcess[];
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

export async function startStack(options: StackOptions): Promise<Stack> {
  const report = options.report ?? (() => undefined);
  const processes: ManagedProcess[] = [];
  let broker: Broker | null = null;
  let storefront: StorefrontServer | null = null;
  // Every step runs whatever the previous one did: a stuck or failing part must not leave the others running.
  const stop = async () => {
    await Promise.allSettled([storefront?.close()]);
    await Promise.allSettled(processes.filter((p) => p.name === 'router').map((p) => p.stop()));
    await Promise.allSettled(processes.filter((p) => p.name !== 'router').map((p) => p.stop()));
    await Promise.allSettled([broker?.stop()]);
  };

  try {
    const names = serviceDatabaseNames(options.databasePrefix);
    const created = await ensureDatabases(options.serverUrl, Object.values(names));
    if (created.length > 0) report(`created databases ${created.join(', ')}`);
    const databaseUrls = Object.fromEntries(
      SERVICES.map((service) => [service, databaseUrl(options.serverUrl, names[service])]),
    ) as Record<ServiceName, string>;
    await Promise.all(SERVICES.map((service) => migrateDatabase(service, databaseUrls[service])));
    report('migrations applied');

    let brokers = options.kafkaBrokers;
    if (!brokers) {
      if (!options.broker) throw new Error('either kafkaBrokers or broker must be given');
      report('starting the local Kafka broker');
      broker = await startBroker({ ...options.broker });
      brokers = broker.brokers;
    }
    await ensureTopics(createKafka('stack', brokers, createLogger('stack', 'warn')), options.topicPrefix);
    report(`kafka ready at ${brokers.join(',')}`);

    const base = (port: number) => `http://${options.host}:${port}`;
    const subgraphUrls = Object.fromEntries(
      SERVICES.map((service) => [service, `${base(options.ports[service])}/graphql`]),
    ) as Record<ServiceName, string>;
    const common = {
      HOST: options.host,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: options.topicPrefix,
      ...options.env,
    };

    for (const service of SERVICES) {
      processes.push(
        startNodeProcess(
          service,
          ENTRY[service],
          {
            ...common,
            PORT: String(options.ports[service]),
            DATABASE_URL: databaseUrls[service],
          },
          options.logsDir,
        ),
      );
    }
    await Promise.all(processes.map((p) => waitUntilReady(p, `${base(options.ports[p.name as ServiceName])}/ready`, 60_000)));
    report('subgraphs ready');

    const router = startNodeProcess(
      'router',
      ENTRY.router,
      {
        ...common,
        PORT: String(options.ports.router),
        JWKS_URL: `${base(options.ports.users)}/.well-known/jwks.json`,
        // The committed supergraph routes to the default ports; these are the ports this stack chose.
        SUBGRAPH_URL_OVERRIDES: subgraphUrlOverrides(subgraphUrls),
      },
      options.logsDir,
    );
    processes.push(router);
    await waitUntilReady(router, `${base(options.ports.router)}/ready`, 60_000);
    const routerUrl = `${base(options.ports.router)}/graphql`;

    if (options.storefrontPort !== undefined) {
      await ensureStorefrontBuilt(report);
      storefront = await serveStorefront({ host: options.host, port: options.storefrontPort, graphqlUrl: routerUrl });
    }

    return {
      routerUrl,
      storefrontUrl: storefront?.url ?? null,
      subgraphUrls,
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

/**
 * Assembles a subgraph service the way all four are built: a Prisma client for requests and one for
 * the event machinery (separate pools), the outbox relay and the consumer group with the service's
 * handlers, the outbox writer handed to the domain, and the server with readiness and an orderly
 * shutdown (HTTP, then events, then the databases).
 */
import type { Handlers } from './events/consumer.js';
import { eventWriter, type EventWriter } from './events/outbox.js';
import type { RelayDatabase, RelayTx } from './events/relay.js';
import { startServiceEvents, type EventsConfig } from './events/runtime.js';
import type { Observability } from './observability.js';
import { openDatabase, type DatabaseConfig, type PrismaClientOptions } from './prisma.js';
import type { ServiceName } from './service-config.js';
import {
  createSubgraphServer,
  type Database,
  type SubgraphDefinition,
  type SubgraphScope,
  type SubgraphServer,
  type SubgraphSettings,
} from './subgraph.js';

export type ServiceDatabase<Tx extends RelayTx> = Database &
  RelayDatabase<Tx> & { $on(event: 'query', callback: () => void): void };

/** What a service's own code needs to build its domain: the request-side client and the outbox writer. */
export interface ServiceParts<Db, Tx> {
  db: Db;
  events: EventWriter<Tx>;
}

export async function createSubgraphService<C extends SubgraphScope, Db extends ServiceDatabase<Tx>, Tx extends RelayTx>(options: {
  service: ServiceName;
  config: SubgraphSettings & DatabaseConfig & EventsConfig;
  observability: Observability;
  openDb: (options: PrismaClientOptions) => Db;
  handlers: Handlers<Tx>;
  build: (parts: ServiceParts<Db, Tx>) => Promise<Omit<SubgraphDefinition<C>, 'database'>>;
}): Promise<SubgraphServer> {
  const { config, observability } = options;
  const db = openDatabase(options.openDb, config, observability.metrics, 'graphql', options.service);
  const eventsDb = openDatabase(options.openDb, config, observability.metrics, 'events', options.service);
  const events = startServiceEvents({ service: options.service, config, db: eventsDb, ...observability, handlers: options.handlers });
  const stopEvents = async () => {
    await events.stop();
    await eventsDb.$disconnect();
  };
  try {
    const definition = await options.build({ db, events: eventWriter(db, config.KAFKA_TOPIC_PREFIX, events.wake) });
    return await createSubgraphServer(
      {
        ...definition,
        database: db,
        readiness: { events: events.ready, ...definition.readiness },
        close: async () => {
          await definition.close?.();
          await stopEvents();
        },
      },
      config,
      observability,
    );
  } catch (error) {
    await stopEvents();
    await db.$disconnect();
    throw error;
  }
}

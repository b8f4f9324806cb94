/**
 * Assembles a subgraph service the way all four are built: a Prisma client for requests, the event
 * machinery (outbox relay and consumer group with the service's handlers, on a pool of its own) on a
 * worker thread started from the service's `events/worker.ts`, the outbox writer handed to the domain,
 * and the server with readiness and an orderly shutdown (HTTP, then events, then the database).
 */
import { eventWriter, type EventWriter } from './events/outbox.js';
import type { RelayDatabase, RelayTx } from './events/relay.js';
import type { EventsConfig } from './events/runtime.js';
import { startEventsThread } from './events/thread.js';
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
  /** The service's events thread module: it calls `runEventsWorker` (kit events/worker) with its handlers. */
  eventsWorker: URL;
  build: (parts: ServiceParts<Db, Tx>) => Promise<Omit<SubgraphDefinition<C>, 'database'>>;
}): Promise<SubgraphServer> {
  const { config, observability } = options;
  const db = openDatabase(options.openDb, config, observability.metrics, 'graphql', options.service);
  const events = startEventsThread({ service: options.service, module: options.eventsWorker, config, ...observability });
  const stopEvents = () => events.stop();
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

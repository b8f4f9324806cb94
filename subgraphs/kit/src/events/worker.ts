/**
 * The worker-thread side of `startEventsThread`: a service's `events/worker.ts` calls `runEventsWorker`
 * with its Prisma client factory and its handlers, and this runs the outbox relay and the consumer group
 * (`startServiceEvents`) on the events database pool, with the thread's own logger (`thread: "events"`),
 * tracer and metrics registry (no process metrics: the main thread reports those).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { openDatabase, type DatabaseConfig, type PrismaClientOptions } from '../prisma.js';
import { startTelemetry } from '../telemetry.js';
import type { Handlers } from './consumer.js';
import type { RelayDatabase, RelayTx } from './relay.js';
import { startServiceEvents, type EventsConfig } from './runtime.js';
import type { EventsThreadData, FromEventsThread, ToEventsThread } from './thread.js';

export type EventsWorkerConfig = EventsConfig & DatabaseConfig & { LOG_LEVEL: string };

/**
 * Runs the service's event machinery in this worker thread until the main thread says stop.
 * @throws Error when called outside a worker thread started by `startEventsThread`.
 */
export function runEventsWorker<Tx extends RelayTx, Db extends RelayDatabase<Tx> & { $on(event: 'query', callback: () => void): void; $disconnect(): Promise<void> }>(options: {
  openDb: (options: PrismaClientOptions) => Db;
  handlers: Handlers<Tx>;
}): void {
  const port = parentPort;
  if (!port) throw new Error('runEventsWorker runs in the worker thread startEventsThread starts');
  const { service, config } = workerData as EventsThreadData<EventsWorkerConfig>;
  const flushTraces = startTelemetry(service);
  const log = createLogger(service, config.LOG_LEVEL).child({ thread: 'events' });
  const metrics = createMetrics(service, { processMetrics: false });
  const db = openDatabase(options.openDb, config, metrics, 'events', service);
  const events = startServiceEvents({ service, config, db, log, metrics, handlers: options.handlers });
  const reply = (message: FromEventsThread) => port.postMessage(message);
  void events.joined.then(() => reply({ type: 'joined' }));

  port.on('message', (message: ToEventsThread) => {
    switch (message.type) {
      case 'wake':
        events.wake();
        break;
      case 'metrics':
        metrics.registry.getMetricsAsJSON().then(
          (snapshot) => reply({ type: 'metrics', id: message.id, metrics: snapshot }),
          () => reply({ type: 'metrics', id: message.id, metrics: [] }),
        );
        break;
      case 'stop':
        void (async () => {
          try {
            await events.stop();
            await db.$disconnect();
            await flushTraces();
          } catch (error) {
            log.warn({ err: error }, 'event machinery did not stop cleanly');
          }
          reply({ type: 'stopped' });
          port.close();
        })();
        break;
    }
  });
}

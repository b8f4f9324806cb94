/**
 * A service's event machinery (outbox relay and consumer group) on a worker thread of its own, so that
 * its statements and Kafka round trips do not wait behind the GraphQL requests on the main event loop:
 * under `placeOrder` load the orders service's relay and consumer spent most of the saga's time
 * waiting for a turn of that loop (docs/decisions.md, "Event machinery on a worker thread").
 *
 * The main thread keeps what it had before: `wake` after a commit that wrote events (a message to the
 * thread), readiness (the thread reports when its consumer group first joined), `/metrics` (the
 * thread's registry merged into the process's on each scrape) and an orderly stop. A thread that dies
 * is started again with backoff (1 s doubling to 30 s); meanwhile writes wait in the outbox.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { Metrics, MetricsSnapshot } from '../metrics.js';
import type { ServiceName } from '../service-config.js';
import type { ServiceEvents } from './runtime.js';

/** Messages from the main thread to the events thread. */
export type ToEventsThread = { type: 'wake' } | { type: 'metrics'; id: number } | { type: 'stop' };

/** Messages from the events thread to the main thread. */
export type FromEventsThread =
  | { type: 'joined' }
  | { type: 'metrics'; id: number; metrics: MetricsSnapshot }
  | { type: 'stopped' };

/** What the events thread is started with (`workerData`): plain, cloneable configuration. */
export interface EventsThreadData<C> {
  service: ServiceName;
  config: C;
}

const RESTART_MS = { first: 1_000, max: 30_000 };
const METRICS_TIMEOUT_MS = 2_000;
const STOP_TIMEOUT_MS = 15_000;
/**
 * Starts `module` (a service's `events/worker.ts`, which calls `runEventsWorker`) as a worker thread
 * with `config` as its `workerData`; its metrics join `metrics`' exposition.
 * @throws DataCloneError when `config` holds something structured clone cannot copy.
 */
export function startEventsThread<C>(options: {
  service: ServiceName;
  module: URL;
  config: C;
  log: Logger;
  metrics: Metrics;
}): ServiceEvents {
  const { service, log } = options;
  const data: EventsThreadData<C> = { service, config: options.config };
  let worker: Worker;
  let joined = false;
  let stopping = false;
  let restarts = 0;
  let nextId = 0;
  let markJoined = () => {};
  const firstJoin = new Promise<void>((resolve) => (markJoined = resolve));
  const pendingMetrics = new Map<number, (snapshot: MetricsSnapshot) => void>();
  let onStopped = () => {};

  const spawn = () => {
    worker = new Worker(options.module, {
      workerData: data,
      execArgv: withTypeScriptLoader(process.execArgv),
      name: `${service}-events`,
      // No resourceLimits: the process's --max-old-space-size (deploy/k8s) is a V8 flag and bounds this
      // isolate as it does the main one (a flag overrides resourceLimits). A lower cap alone made the
      // thread's GC run without pause under load (docs/decisions.md, "Event machinery on a worker thread").
    });
    worker.on('message', (message: FromEventsThread) => {
      switch (message.type) {
        case 'joined':
          joined = true;
          restarts = 0;
          markJoined();
          break;
        case 'metrics':
          pendingMetrics.get(message.id)?.(message.metrics);
          pendingMetrics.delete(message.id);
          break;
        case 'stopped':
          onStopped();
          break;
      }
    });
    worker.on('error', (error) => log.error({ err: error }, 'event machinery thread failed'));
    worker.on('exit', (code) => {
      for (const answer of pendingMetrics.values()) answer([]);
      pendingMetrics.clear();
      onStopped();
      if (stopping) return;
      const delay = Math.min(RESTART_MS.first * 2 ** restarts, RESTART_MS.max);
      restarts += 1;
      log.error({ exitCode: code, restartInMs: delay }, 'event machinery thread exited; starting it again');
      setTimeout(() => {
        if (!stopping) spawn();
      }, delay).unref();
    });
  };
  spawn();

  const send = (message: ToEventsThread) => worker.postMessage(message);

  options.metrics.addSource(
    () =>
      new Promise<MetricsSnapshot>((resolve) => {
        const id = (nextId += 1);
        const timer = setTimeout(() => {
          pendingMetrics.delete(id);
          resolve([]);
        }, METRICS_TIMEOUT_MS);
        pendingMetrics.set(id, (snapshot) => {
          clearTimeout(timer);
          resolve(snapshot);
        });
        send({ type: 'metrics', id });
      }),
  );

  return {
    wake: () => send({ type: 'wake' }),
    joined: firstJoin,
    ready: async () => {
      if (!joined) throw new Error('event consumers have not joined their group yet');
    },
    stop: async () => {
      stopping = true;
      const stopped = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
        onStopped = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      send({ type: 'stop' });
      await stopped;
      await worker.terminate();
    },
  };
}

/**
 * The services run from TypeScript through tsx's loader (`node --import tsx`), which a worker inherits
 * with the process's `execArgv`; a process started otherwise (a vitest worker running a service in
 * process) gets the loader added, so the thread can load the same `.ts` modules.
 */
function withTypeScriptLoader(execArgv: string[]): string[] {
  if (execArgv.some((arg) => arg === 'tsx' || arg.includes('/tsx/'))) return execArgv;
  return [...execArgv, '--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
}

/** The entry point of every process (router and subgraphs): config, server, listen, stop on signals. */
import { closeOnSignals } from './http.js';
import { createObservability, type Observability } from './observability.js';
import { startTelemetry } from './telemetry.js';

export interface Server {
  /** Starts listening; resolves to the GraphQL endpoint URL. */
  listen: () => Promise<string>;
  close: () => Promise<void>;
}

export async function runService<C extends { LOG_LEVEL: string; SHUTDOWN_DRAIN_MS: number }>(
  name: string,
  loadConfig: () => C,
  create: (config: C, observability: Observability) => Promise<Server>,
): Promise<void> {
  const config = loadConfig();
  const flushTraces = startTelemetry(name);
  const observability = createObservability(name, config.LOG_LEVEL);
  try {
    const server = await create(config, observability);
    closeOnSignals(observability.log, async () => {
      await server.close();
      await flushTraces();
    }, config.SHUTDOWN_DRAIN_MS);
    await server.listen();
  } catch (error) {
    observability.log.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }
}

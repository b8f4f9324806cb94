/**
 * A service the way the router and every subgraph run (kit/run.ts `runService` around a kit/http.ts
 * shell: the same /ready, the same signal handling, the same drain), with one stand-in operation
 * instead of a schema: POST /graphql answers `{ data: { ok: true } }` after WORK_MS. The rolling
 * restart suite starts replicas of it, so what it measures is the shutdown path every process shares,
 * without a broker, databases or subgraphs. Settings: PORT, METRICS_PORT, SHUTDOWN_DRAIN_MS, WORK_MS.
 */
import { env, parseConfig } from '@commerce/kit/config';
import { createHttpShell } from '@commerce/kit/http';
import { runService } from '@commerce/kit/run';
import { shutdownShape } from '@commerce/kit/service-config';

const shape = {
  ...shutdownShape,
  LOG_LEVEL: env.logLevel(),
  PORT: env.port(0),
  METRICS_PORT: env.port(0),
  WORK_MS: env.int(10),
};

await runService(
  'drain-fixture',
  () => parseConfig(shape),
  async (config, { log, metrics }) => {
    const app = createHttpShell({ log, metrics, readiness: {}, metricsListen: { host: '127.0.0.1', port: config.METRICS_PORT } });
    app.post('/graphql', async () => {
      await new Promise((resolve) => setTimeout(resolve, config.WORK_MS));
      return { data: { ok: true } };
    });
    return {
      listen: () => app.listen({ host: '127.0.0.1', port: config.PORT }),
      close: () => app.close(),
    };
  },
);

/**
 * A stack of its own for a benchmark: separate databases (`<BENCH_DATABASE_PREFIX>_*`, default
 * `commerce_bench_*`, so two benchmarks can run on one PostgreSQL server at once under different
 * prefixes), ports and topics, and a fresh local broker unless KAFKA_BROKERS names one. Or, with
 * ROUTER_URL set, an already running stack.
 */
import path from 'node:path';
import { startBroker, type Broker } from '@commerce/stack/kafka-broker';
import { dataDir } from '@commerce/stack/paths';
import { dropDatabases, serviceDatabaseNames } from '@commerce/stack/postgres';
import { freePort, freeStackPorts } from '@commerce/stack/ports';
import { answersOk, startNodeProcess, waitUntilReady, type SupervisedProcess } from '@commerce/stack/processes';
import { startStack, subgraphUrlOverrides, type Stack } from '@commerce/stack/stack';

export interface BenchStack {
  routerUrl: string;
  stack: Stack | null;
  /** The bench databases' names (empty with ROUTER_URL). */
  databases: string[];
  /** Where the processes' logs go. */
  logsDir: string;
  /**
   * Starts one more router in front of the same subgraphs, with the stack router's settings plus `env`,
   * on ports of its own: `url` its GraphQL endpoint, `metricsUrl` its METRICS_PORT's `/metrics`.
   */
  startRouter: (name: string, env: Record<string, string>) => Promise<{ url: string; metricsUrl: string; process: SupervisedProcess }>;
  stop: () => Promise<void>;
}

export const SERVER_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** Prefix of the bench databases; give concurrent benchmarks on one server different ones. */
export const PREFIX = benchDatabasePrefix(process.env.BENCH_DATABASE_PREFIX);

/** Parses BENCH_DATABASE_PREFIX (default `commerce_bench`): a lower-case SQL identifier, throws naming the variable. */
export function benchDatabasePrefix(setting: string | undefined): string {
  const prefix = setting ?? 'commerce_bench';
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new Error(`BENCH_DATABASE_PREFIX: expected lower-case letters, digits and _ (at most 41), got "${prefix}"`);
  return prefix;
}

export async function benchStack(say: (line: string) => void, env: Record<string, string> = {}): Promise<BenchStack> {
  if (process.env.ROUTER_URL) {
    return { routerUrl: process.env.ROUTER_URL, stack: null, databases: [], logsDir: path.join(dataDir, `${PREFIX}-logs`), startRouter: () => Promise.reject(new Error('ROUTER_URL: no stack to start a router in')), stop: async () => undefined };
  }
  await dropDatabases(SERVER_URL, Object.values(serviceDatabaseNames(PREFIX)));
  let broker: Broker | null = null;
  let brokers = process.env.KAFKA_BROKERS?.split(',');
  if (!brokers) {
    broker = await startBroker({ dataDir: path.join(dataDir, `${PREFIX}-kafka`), port: await freePort(), controllerPort: await freePort(), fresh: true });
    brokers = broker.brokers;
  }
  const logsDir = path.join(dataDir, `${PREFIX}-logs`);
  const ports = await freeStackPorts();
  const common = { LOG_LEVEL: 'warn', JWT_KEY_DIR: path.join(dataDir, `${PREFIX}-jwt`), ...env };
  const topicPrefix = `${PREFIX.replace(/_/g, '-')}.`;
  const stack = await startStack({
    serverUrl: SERVER_URL,
    databasePrefix: PREFIX,
    kafkaBrokers: brokers,
    topicPrefix,
    host: '127.0.0.1',
    ports,
    metricsPorts: await freeStackPorts(),
    logsDir,
    env: common,
    report: say,
  });
  const extraRouters: SupervisedProcess[] = [];
  const startRouter = async (name: string, extra: Record<string, string>) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const metricsPort = await freePort();
    // What the stack gives its router (stack.ts), on ports of its own.
    const routerProcess = startNodeProcess(name, 'router/src/index.ts', {
      HOST: '127.0.0.1',
      KAFKA_BROKERS: stack.brokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      ...common,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      JWKS_URL: `http://127.0.0.1:${ports.users}/.well-known/jwks.json`,
      SUBGRAPH_URL_OVERRIDES: subgraphUrlOverrides(stack.subgraphUrls),
      ...extra,
    }, logsDir, () => answersOk(`${url}/ready`));
    extraRouters.push(routerProcess);
    await waitUntilReady(routerProcess, `${url}/ready`, 120_000);
    return { url: `${url}/graphql`, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, process: routerProcess };
  };
  return {
    routerUrl: stack.routerUrl,
    stack,
    databases: Object.values(serviceDatabaseNames(PREFIX)),
    logsDir,
    startRouter,
    stop: async () => {
      await Promise.allSettled(extraRouters.map((router) => router.stop()));
      await stack.stop();
      await broker?.stop();
      await dropDatabases(SERVER_URL, Object.values(serviceDatabaseNames(PREFIX)));
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Extra router (or subgraph) processes with settings of their own, for suites that need a router
 * configured differently from the shared one (rate limits, rejection modes, production mode, ...) or
 * a subgraph they may kill. They talk to the shared stack's subgraphs and databases.
 */
import path from 'node:path';
import { afterAll } from 'vitest';
import { GraphQLClient } from '@commerce/stack/client';
import { dataDir } from '@commerce/stack/paths';
import { freePort } from '@commerce/stack/ports';
import { startNodeProcess, waitUntilReady, type ManagedProcess } from '@commerce/stack/processes';
import { subgraphUrlOverrides } from '@commerce/stack/stack';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { createKafka, ensureTopics } from '@commerce/kit/events/kafka';
import { createLogger } from '@commerce/kit/logger';
import { run } from './run.js';

export interface TestProcess {
  baseUrl: string;
  graphqlUrl: string;
  /** Its /metrics, on the METRICS_PORT the process was given (the public port does not serve it). */
  metricsUrl: string;
  client: GraphQLClient;
  process: ManagedProcess;
  port: number;
  stop: () => Promise<void>;
  /** Kills the process outright (SIGKILL), as a crash would. */
  kill: () => Promise<void>;
}

const started: TestProcess[] = [];
afterAll(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

async function startProcess(name: string, entry: string, env: Record<string, string>, port?: number, waitFor: 'ready' | 'health' | 'nothing' = 'ready'): Promise<TestProcess> {
  const chosenPort = port ?? (await freePort());
  const metricsPort = await freePort();
  const child = startNodeProcess(
    name,
    entry,
    { NODE_ENV: 'test', LOG_LEVEL: 'info', ...env, PORT: String(chosenPort), METRICS_PORT: String(metricsPort) },
    path.join(dataDir, 'test-logs'),
  );
  const baseUrl = `http://127.0.0.1:${chosenPort}`;
  if (waitFor !== 'nothing') await waitUntilReady(child, `${baseUrl}/${waitFor}`, 60_000);
  const handle: TestProcess = {
    baseUrl,
    graphqlUrl: `${baseUrl}/graphql`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    client: new GraphQLClient(`${baseUrl}/graphql`),
    process: child,
    port: chosenPort,
    stop: () => child.stop(),
    kill: async () => {
      child.child.kill('SIGKILL');
      await child.exited;
    },
  };
  started.push(handle);
  return handle;
}

/** SUBGRAPH_URL_OVERRIDES sending each subgraph to the shared stack's, or to the URL `moved` gives it. */
export function sharedSubgraphOverrides(moved: Partial<Record<ServiceName, string>> = {}): string {
  return subgraphUrlOverrides({ ...run.subgraphUrls, ...moved });
}

/** A router on the shared subgraphs, with the shared stack's settings (entity cache off) unless `env` says otherwise. */
export function startRouter(name: string, env: Record<string, string> = {}, options: { waitFor?: 'ready' | 'health' | 'nothing' } = {}): Promise<TestProcess> {
  return startProcess(
    `router-${name}`,
    'router/src/index.ts',
    {
      SUBGRAPH_URL_OVERRIDES: sharedSubgraphOverrides(),
      JWKS_URL: new URL('/.well-known/jwks.json', run.subgraphUrls.users).toString(),
      REDIS_URL: run.redisUrl,
      RATE_LIMIT_MAX: '1000000',
      ROUTER_SHARED_SECRET: run.routerSecret,
      // Extra routers test the router's own handling of subgraph calls (faults, retries, limits), which
      // the entity cache would answer from earlier answers: off unless a suite turns it on (tests/cache).
      // With it on, the run's events keep it fresh and the run's topic prefix keeps its Redis keys apart
      // from other runs' on the same Redis.
      ENTITY_CACHE_ENABLED: 'false',
      KAFKA_BROKERS: run.brokers.join(','),
      KAFKA_TOPIC_PREFIX: run.topicPrefix,
      ...env,
    },
    undefined,
    options.waitFor ?? 'ready',
  );
}

/** Another instance of a subgraph on the shared database, with topics of its own (so it joins no shared group). */
export async function startSubgraph(
  service: ServiceName,
  name: string,
  env: Record<string, string> = {},
  options: { port?: number; waitFor?: 'ready' | 'health' } = {},
): Promise<TestProcess> {
  await ensureTopics(createKafka('tests', run.brokers, createLogger('tests', 'silent')), `${name}.`);
  return startProcess(
    `${service}-${name}`,
    `subgraphs/${service}/src/index.ts`,
    {
      DATABASE_URL: run.databaseUrls[service],
      KAFKA_BROKERS: run.brokers.join(','),
      KAFKA_TOPIC_PREFIX: `${name}.`,
      JWT_KEY_DIR: run.jwtKeyDir,
      ROUTER_SHARED_SECRET: run.routerSecret,
      ...env,
    },
    options.port,
    options.waitFor ?? 'ready',
  );
}

export function logOf(handle: TestProcess): string {
  return handle.process.logFile;
}

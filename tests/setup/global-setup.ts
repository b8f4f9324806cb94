/**
 * Starts what the whole test run shares: one Kafka broker (unless KAFKA_BROKERS names one), migrated
 * template databases, and one stack (four subgraphs + router) on its own databases and topic prefix.
 * A loopback control endpoint lets the broker-outage suite stop and restart the broker it does not own.
 */
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { SERVICES } from '@commerce/kit/service-config';
import { startBroker, type Broker } from '@commerce/stack/kafka-broker';
import { migrateDatabase } from '@commerce/stack/migrations';
import { dataDir } from '@commerce/stack/paths';
import { databaseUrl, dropDatabases, ensureDatabases, serviceDatabaseNames } from '@commerce/stack/postgres';
import { freePort, freeStackPorts } from '@commerce/stack/ports';
import { startStack, type Stack } from '@commerce/stack/stack';
import type { RunContext } from './run-context.js';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/**
 * Databases of this run are `<TEST_DATABASE_PREFIX>_*` (default `commerce_test`): two checkouts on one
 * PostgreSQL server (or two worktrees) can run their suites at once with different prefixes.
 */
const TEST_PREFIX = process.env.TEST_DATABASE_PREFIX ?? 'commerce_test';
const TEMPLATE_PREFIX = `${TEST_PREFIX}_template`;
const STACK_PREFIX = `${TEST_PREFIX}_stack`;
const ADMIN = { email: 'admin@example.com', password: 'admin-password' };
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Not the development default, so suites can also run routers in production mode. */
const ROUTER_SECRET = 'test-run-router-secret-0123456789';

let broker: Broker | null = null;
let stack: Stack | null = null;
let control: Server | null = null;
let collector: Server | null = null;

/** Spans received over OTLP/HTTP (JSON) from every process of the run, for the tracing suite. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
}
const spans: ReceivedSpan[] = [];

function startCollector(): Promise<Server> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      try {
        const payload = JSON.parse(body) as {
          resourceSpans?: { resource?: { attributes?: { key: string; value: { stringValue?: string } }[] }; scopeSpans?: { spans?: Omit<ReceivedSpan, 'service'>[] }[] }[];
        };
        for (const resourceSpans of payload.resourceSpans ?? []) {
          const service = resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? 'unknown';
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spans.push({ service, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId ?? '', name: span.name, kind: span.kind });
            }
          }
        }
        if (spans.length > 200_000) spans.splice(0, spans.length - 100_000);
      } catch {
        // Not JSON (e.g. protobuf): ignored; the run's exporters send JSON.
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * The integration and browser projects both name this setup; the stack starts once per run and stops
 * after the last project that uses it (vitest calls each project's setup and teardown in the main process).
 */
interface SharedStack {
  context: Promise<RunContext>;
  users: number;
  teardown: () => Promise<void>;
}
const shared = globalThis as typeof globalThis & { __commerceStack?: SharedStack };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!shared.__commerceStack) {
    const state: SharedStack = { context: startRunOrCleanUp(), users: 0, teardown: stopRun };
    shared.__commerceStack = state;
  }
  const state = shared.__commerceStack;
  state.users += 1;
  project.provide('run', await state.context);
  return async () => {
    state.users -= 1;
    if (state.users === 0) {
      shared.__commerceStack = undefined;
      await state.teardown();
    }
  };
}

/**
 * A run that fails half-way (e.g. a service not ready in time under load) must not leave the broker JVM,
 * the control and collector servers or the stack's databases behind: vitest calls no teardown then.
 */
async function startRunOrCleanUp(): Promise<RunContext> {
  try {
    return await startRun();
  } catch (error) {
    await stopRun().catch((cleanupError: unknown) => {
      process.stderr.write(`[test setup] cleaning up after a failed start also failed: ${String(cleanupError)}\n`);
    });
    throw error;
  }
}

async function startRun(): Promise<RunContext> {
  const started = Date.now();
  const logsDir = path.join(dataDir, 'test-logs');

  // Templates: migrated once, cloned per suite (CREATE DATABASE ... TEMPLATE is ~25x faster than migrating).
  const templates = Object.values(serviceDatabaseNames(TEMPLATE_PREFIX));
  await dropDatabases(SERVER_URL, [...templates, ...Object.values(serviceDatabaseNames(STACK_PREFIX))]);
  await ensureDatabases(SERVER_URL, templates);
  await Promise.all(SERVICES.map((service) => migrateDatabase(service, databaseUrl(SERVER_URL, `${TEMPLATE_PREFIX}_${service}`))));

  let brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
  let controlUrl: string | null = null;
  if (!brokers) {
    const brokerOptions = {
      dataDir: path.join(dataDir, 'test-kafka'),
      port: await freePort(),
      controllerPort: await freePort(),
    };
    broker = await startBroker({ ...brokerOptions, fresh: true });
    brokers = broker.brokers;
    control = await startControl({
      stop: async () => {
        await broker?.stop();
      },
      start: async () => {
        broker = await startBroker(brokerOptions);
      },
    });
    controlUrl = `http://127.0.0.1:${(control.address() as { port: number }).port}`;
  }

  collector = await startCollector();
  const collectorUrl = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
  if (!control) control = await startControl({ stop: async () => undefined, start: async () => undefined });
  if (!controlUrl) controlUrl = `http://127.0.0.1:${(control.address() as { port: number }).port}`;

  const ports = await freeStackPorts();
  const topicPrefix = `test-${Date.now().toString(36)}.`;
  const storefrontPort = await freePort();
  const storefrontOrigin = `http://127.0.0.1:${storefrontPort}`;
  const jwtKeyDir = path.join(dataDir, 'test-jwt');
  stack = await startStack({
    serverUrl: SERVER_URL,
    databasePrefix: STACK_PREFIX,
    kafkaBrokers: brokers,
    topicPrefix,
    host: '127.0.0.1',
    ports,
    metricsPorts: await freeStackPorts(),
    logsDir,
    storefrontPort,
    env: {
      CORS_ORIGINS: `${storefrontOrigin},http://localhost:5173`,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
      NODE_ENV: 'test',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      JWT_KEY_DIR: jwtKeyDir,
      // Fault tests need retries and reconnects to be quick.
      OUTBOX_POLL_MS: '200',
      // The shared stack serves every suite from one address; the rate-limit suite runs routers of its own.
      RATE_LIMIT_MAX: '1000000',
      // Failed logins from every suite come from this one address; the login-throttle suite runs routers of its own.
      LOGIN_THROTTLE_ENABLED: 'false',
      REDIS_URL: REDIS_URL,
      ROUTER_SHARED_SECRET: ROUTER_SECRET,
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
    },
  });

  const context: RunContext = {
    serverUrl: SERVER_URL,
    templatePrefix: TEMPLATE_PREFIX,
    databasePrefix: TEST_PREFIX,
    brokers,
    routerUrl: stack.routerUrl,
    storefrontUrl: stack.storefrontUrl ?? storefrontOrigin,
    subgraphUrls: stack.subgraphUrls,
    metricsUrls: stack.metricsUrls,
    databaseUrls: stack.databaseUrls,
    topicPrefix,
    controlUrl: broker ? controlUrl : null,
    runControlUrl: controlUrl,
    redisUrl: REDIS_URL,
    routerSecret: ROUTER_SECRET,
    jwtKeyDir,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
  };
  process.stdout.write(
    `[test setup] broker and stack ready in ${((Date.now() - started) / 1000).toFixed(1)}s on Node ${process.version} (logs: ${logsDir})\n`,
  );
  return context;
}

async function stopRun(): Promise<void> {
  await stack?.stop();
  await broker?.stop();
  await new Promise((resolve) => (control ? control.close(resolve) : resolve(undefined)));
  await new Promise((resolve) => (collector ? collector.close(resolve) : resolve(undefined)));
  await dropDatabases(SERVER_URL, Object.values(serviceDatabaseNames(STACK_PREFIX)));
}

function startControl(actions: { stop: () => Promise<void>; start: () => Promise<void> }): Promise<Server> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://control');
    if (request.method === 'GET' && url.pathname === '/spans') {
      const traceId = url.searchParams.get('traceId');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(spans.filter((span) => span.traceId === traceId)));
      return;
    }
    const action = request.method === 'POST' && request.url === '/broker/stop' ? actions.stop
      : request.method === 'POST' && request.url === '/broker/start' ? actions.start
      : null;
    if (!action) {
      response.writeHead(404).end();
      return;
    }
    action()
      .then(() => response.writeHead(204).end())
      .catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

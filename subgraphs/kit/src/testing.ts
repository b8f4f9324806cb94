/**
 * The subgraph test harness: a subgraph in-process on its own database (cloned from a migrated
 * template, far faster than migrating) and its own topic prefix on the run's broker, spoken to over
 * HTTP semantics (Fastify inject) with the claims header the router would send; plus a reader of the
 * events the subgraph publishes.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { encodeClaims } from './auth.js';
import { DEV_ROUTER_SECRET, signedHeaders } from './router-trust.js';
import { ensureTopics } from './events/kafka.js';
import { envelopeSchema, type Envelope } from './events/catalog.js';
import { createObservability, type Observability } from './observability.js';
import { startTelemetry } from './telemetry.js';
import type { ServiceName } from './service-config.js';
import type { SubgraphServer } from './subgraph.js';

export interface TestRun {
  serverUrl: string;
  templatePrefix: string;
  /** Prefix of the run's databases; suites' copies are `<databasePrefix>_<suite>_<service>`. */
  databasePrefix: string;
  brokers: string[];
}

export interface TestViewer {
  id: string;
  scope?: string;
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestSubgraph {
  server: SubgraphServer;
  topicPrefix: string;
  env: Record<string, string>;
  request: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, viewer?: TestViewer) => Promise<GraphQLResponse<T>>;
  close: () => Promise<void>;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh copy of the migrated template database of `service`, named for the suite. */
export async function cloneTemplate(run: TestRun, service: ServiceName, suite: string): Promise<string> {
  const name = `${run.databasePrefix}_${suite}_${service}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const client = new pg.Client({ connectionString: withDatabase(run.serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${run.templatePrefix}_${service}"`);
  } finally {
    await client.end();
  }
  return withDatabase(run.serverUrl, name);
}

/** Starts `create` in-process with a config built from `env` plus its own database and topics. */
export async function startTestSubgraph<C>(
  run: TestRun,
  service: ServiceName,
  suite: string,
  load: (env: NodeJS.ProcessEnv) => C,
  create: (config: C, observability: Observability) => Promise<SubgraphServer>,
  extraEnv: Record<string, string> = {},
): Promise<TestSubgraph> {
  const topicPrefix = `${suite}-${randomUUID().slice(0, 8)}.`;
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: '0',
    METRICS_PORT: '0',
    DATABASE_URL: await cloneTemplate(run, service, suite),
    KAFKA_BROKERS: run.brokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    ROUTER_SHARED_SECRET: process.env.ROUTER_SHARED_SECRET ?? DEV_ROUTER_SECRET,
    ...extraEnv,
  };
  const kafka = new Kafka({ clientId: `${suite}-setup`, brokers: run.brokers, logLevel: logLevel.NOTHING });
  await ensureTopics(kafka, topicPrefix);
  startTelemetry(service);
  const server = await create(load({ ...process.env, ...env }), createObservability(service, env.LOG_LEVEL));
  // Ready as the stack waits for it: the event thread has started and its consumer group joined.
  const readyBy = Date.now() + 60_000;
  while ((await server.app.inject({ url: '/ready' })).statusCode !== 200) {
    if (Date.now() > readyBy) throw new Error(`${service} was not ready within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    server,
    topicPrefix,
    env,
    request: async (query, variables, viewer) => {
      // Signed like the router signs, with the subgraph's configured (development) secret.
      const body = JSON.stringify({ query, variables });
      const claims = viewer ? encodeClaims({ sub: viewer.id, scope: viewer.scope ?? 'customer' }) : undefined;
      const response = await server.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: {
          'content-type': 'application/json',
          ...signedHeaders(env.ROUTER_SHARED_SECRET, claims, body),
        },
        payload: body,
      });
      return { status: response.statusCode, ...(response.json() as object) };
    },
    close: () => server.close(),
  };
}

export interface RawMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
  partition: number;
}

/** Reads `topic` from the beginning, as a new consumer group, until `done` holds for what was seen. */
export async function readMessages(
  brokers: string[],
  topic: string,
  done: (messages: RawMessage[]) => boolean,
  timeoutMs = 20_000,
): Promise<RawMessage[]> {
  const kafka = new Kafka({ clientId: 'test-reader', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const messages: RawMessage[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic} after ${messages.length} messages`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          messages.push({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
            partition,
          });
          if (done(messages)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** Like readMessages, for well-formed events (each validated against the envelope schema). */
export async function readEvents(
  brokers: string[],
  topic: string,
  done: (events: Envelope[]) => boolean,
  timeoutMs = 20_000,
): Promise<Envelope[]> {
  const parse = (messages: RawMessage[]) => messages.map((message) => envelopeSchema.parse(JSON.parse(message.value)));
  return parse(await readMessages(brokers, topic, (messages) => done(parse(messages)), timeoutMs));
}

/** Retries `check` until it stops throwing (events take a moment to flow), then returns its value. */
export async function eventually<T>(check: () => Promise<T>, { timeoutMs = 15_000, intervalMs = 100 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

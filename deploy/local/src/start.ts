/**
 * `npm start`: the whole platform on this machine. PostgreSQL: DATABASE_URL, else the local server, else
 * an embedded one. Kafka: KAFKA_BROKERS, else a local broker from Maven Central. Redis: REDIS_URL, else
 * the local one, else the router keeps its state in process. Then the databases are created and
 * migrated, the subgraphs, the router and the storefront start, and demo data is seeded once; each
 * step is printed with its duration. A service that crashes afterwards is restarted with back-off, a
 * crash loop stops that service alone (stack.ts). Ctrl-C stops everything this command started, in
 * order. A failure ends with one line saying what to do.
 */
import path from 'node:path';
import { ConfigError, parseConfig } from '@commerce/kit/config';
import { kafkaClientRules, kafkaFileRules } from '@commerce/kit/service-config';
import { listeningPorts, LOCAL_POSTGRES_URL, stackConfigShape, stackPorts } from './config.js';
import { credentialsLine } from './credentials.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';
import { dataDir, logsDir, repoRoot } from './paths.js';
import { isPortFree } from './ports.js';
import { postgresAnswers } from './postgres.js';
import { shownPath } from './processes.js';
import { secondsSince, step } from './progress.js';
import { seedDemoData } from './seed.js';
import { startStack, type Stack } from './stack.js';
import { hintFor, StartupError } from './startup-error.js';

const say = (line: string) => process.stdout.write(`[start] ${line}\n`);

async function main(): Promise<void> {
  const config = parseConfig(stackConfigShape, process.env, [...kafkaClientRules, ...kafkaFileRules]);
  const started = Date.now();
  say(`Node ${process.version}, NODE_ENV=${config.NODE_ENV}`);
  let stack: Stack | null = null;
  let embedded: EmbeddedDatabase | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const stopStarted = Date.now();
    say('stopping: storefront, router, subgraphs, then the broker...');
    await Promise.allSettled([stack?.stop()]);
    await Promise.allSettled([embedded?.stop()]);
    say(`stopped (${secondsSince(stopStarted)})`);
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  for (const [variable, port] of listeningPorts(config)) {
    if (!(await isPortFree(port, config.HOST))) {
      throw new StartupError(`Port ${port} (${variable}) is already in use, perhaps by another \`npm start\`.`, `Stop what uses port ${port}, or choose another with ${variable}=<port>.`);
    }
  }

  let serverUrl = config.DATABASE_URL;
  if (!serverUrl) {
    if (await postgresAnswers(LOCAL_POSTGRES_URL)) serverUrl = LOCAL_POSTGRES_URL;
    else {
      say(`no PostgreSQL answers on 127.0.0.1:5432: starting an embedded one on port ${config.EMBEDDED_POSTGRES_PORT} (data in .data/postgres)`);
      embedded = await step(say, 'embedded PostgreSQL', () => startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: config.EMBEDDED_POSTGRES_PORT }), (db) => `embedded PostgreSQL ready at ${db.url}`);
      serverUrl = embedded.url;
    }
  }

  const redisUrl = config.REDIS_URL ?? ((await isPortFree(6379)) ? undefined : 'redis://127.0.0.1:6379');
  say(redisUrl ? `router store: ${redisUrl}` : 'router store: in process (no Redis on 127.0.0.1:6379) — fine for this single router, not for several replicas');

  try {
    stack = await startStack({
      serverUrl,
      databasePrefix: config.DATABASE_NAME_PREFIX,
      kafkaBrokers: config.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean),
      kafkaSecurity: config,
      broker: { dataDir: path.join(dataDir, 'kafka'), port: config.KAFKA_PORT, controllerPort: config.KAFKA_CONTROLLER_PORT },
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      host: config.HOST,
      ...stackPorts(config),
      storefrontPort: config.STOREFRONT_PORT,
      logsDir,
      env: {
        LOG_LEVEL: config.LOG_LEVEL,
        JWT_KEY_DIR: path.join(repoRoot, '.secrets', 'jwt'),
        ADMIN_EMAIL: config.ADMIN_EMAIL,
        ADMIN_PASSWORD: config.ADMIN_PASSWORD,
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      },
      report: say,
    });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  if (config.SEED_DEMO_DATA) {
    const routerUrl = stack.routerUrl;
    try {
      await step(say, 'demo data', () => seedDemoData(routerUrl, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }), (summary) =>
        Object.values(summary).some((count) => count > 0)
          ? `seeded ${summary.products} products, ${summary.users} shoppers, ${summary.orders} orders, ${summary.reviews} reviews`
          : 'demo data already present; nothing seeded',
      );
    } catch (error) {
      await stack.stop();
      await embedded?.stop();
      throw new StartupError(`Seeding demo data failed: ${(error as Error).message}`, 'Check ADMIN_EMAIL / ADMIN_PASSWORD, or start with SEED_DEMO_DATA=false; the logs are in .data/logs/.');
    }
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const explorer = stack.routerUrl.replace(/\/graphql$/, '/');
  process.stdout.write(
    [
      '',
      `  Supergraph ready in ${seconds}s: ${stack.routerUrl}`,
      `  Storefront: ${stack.storefrontUrl}   Explorer: ${explorer}`,
      `  Subgraphs: ${Object.entries(stack.subgraphUrls).map(([name, url]) => `${name} ${url}`).join(', ')}`,
      `  Metrics: ${Object.entries(stack.metricsUrls).map(([name, url]) => `${name} :${new URL(url).port}`).join(', ')} (/metrics)`,
      `  PostgreSQL: ${embedded ? `embedded, ${embedded.url}` : new URL(serverUrl).host}   Kafka: ${stack.brokers.join(',')}${stack.broker ? ' (local broker)' : ''}`,
      credentialsLine(config),
      `  Logs: ${shownPath(logsDir)}/`,
      '  A crashed service restarts by itself; Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`[start] ${message}\n`);
  process.stderr.write(`[start] → ${error instanceof ConfigError ? 'Fix the variables named above (see the configuration table in the README).' : hintFor(error)}\n`);
  process.exit(1);
});

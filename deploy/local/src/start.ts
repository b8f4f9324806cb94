/**
 * `npm start`: the whole platform on this machine. Databases are created and migrated, a Kafka broker
 * is started from Maven Central unless KAFKA_BROKERS names one, then the subgraphs and the router;
 * demo data is seeded once. Ctrl-C stops everything this command started.
 */
import path from 'node:path';
import { ConfigError, parseConfig } from '@commerce/kit/config';
import { stackConfigShape } from './config.js';
import { dataDir, logsDir, repoRoot } from './paths.js';
import { seedDemoData } from './seed.js';
import { startStack, type Stack } from './stack.js';
import { isPortFree } from './ports.js';

const say = (line: string) => process.stdout.write(`[start] ${line}\n`);

async function main(): Promise<void> {
  const config = parseConfig(stackConfigShape);
  const { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword } = config;
  const started = Date.now();
  let stack: Stack | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping...');
    await stack?.stop();
    say('stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  const redisUrl = config.REDIS_URL ?? ((await isPortFree(6379)) ? undefined : 'redis://127.0.0.1:6379');
  say(redisUrl ? `router store: ${redisUrl}` : 'router store: in process (no Redis answered on 127.0.0.1:6379; fine for one router)');

  stack = await startStack({
    serverUrl: config.DATABASE_URL,
    databasePrefix: config.DATABASE_NAME_PREFIX,
    kafkaBrokers: config.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean),
    broker: { dataDir: path.join(dataDir, 'kafka'), port: config.KAFKA_PORT, controllerPort: config.KAFKA_CONTROLLER_PORT },
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    host: config.HOST,
    ports: {
      router: config.ROUTER_PORT,
      users: config.USERS_PORT,
      products: config.PRODUCTS_PORT,
      reviews: config.REVIEWS_PORT,
      orders: config.ORDERS_PORT,
    },
    logsDir,
    env: { LOG_LEVEL: config.LOG_LEVEL, JWT_KEY_DIR: path.join(repoRoot, '.secrets', 'jwt'), ...(redisUrl ? { REDIS_URL: redisUrl } : {}) },
    report: say,
  });

  if (config.SEED_DEMO_DATA) {
    const summary = await seedDemoData(stack.routerUrl, { email: adminEmail, password: adminPassword });
    const added = Object.values(summary).some((count) => count > 0);
    say(
      added
        ? `seeded ${summary.products} products, ${summary.users} shoppers, ${summary.orders} orders, ${summary.reviews} reviews`
        : 'demo data already present; nothing seeded',
    );
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    [
      '',
      `  Supergraph ready in ${seconds}s: ${stack.routerUrl}`,
      `  Subgraphs: ${Object.entries(stack.subgraphUrls).map(([name, url]) => `${name} ${url}`).join(', ')}`,
      `  Kafka: ${stack.brokers.join(',')}${stack.broker ? ' (local broker)' : ''}`,
      `  Admin: ${adminEmail} / ${adminPassword === 'admin-password' ? 'admin-password (dev default)' : '(from ADMIN_PASSWORD)'}`,
      `  Logs: ${logsDir}`,
      '  Press Ctrl-C to stop everything.',
      '',
    ].join('\n'),
  );

  stack.processes.forEach((child) =>
    child.exited.then((code) => {
      if (!stopping) {
        say(`${child.name} exited unexpectedly (code ${code}); see ${child.logFile}`);
        void stop(1);
      }
    }),
  );
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`[start] ${message}\n`);
  process.exit(1);
});

/**
 * `npm start` (deploy/local/src/start.ts, run as the script runs it: node --import tsx) with every
 * setting of its own changed: each process listens on the port its variable names, the local broker
 * on KAFKA_PORT / KAFKA_CONTROLLER_PORT, the databases are `<DATABASE_NAME_PREFIX>_<service>`; Ctrl-C
 * (SIGINT) stops all of it. `npm run seed` then writes the demo data through ROUTER_URL, this stack's
 * router (so the shared stack's catalog stays as its suites expect). Refusals: a port in use and a bad
 * prefix stop it at once, naming the variable; a bad ROUTER_URL stops the seed, naming it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLClient } from '@commerce/stack/client';
import { repoRoot } from '@commerce/stack/paths';
import { freePort, isPortFree } from '@commerce/stack/ports';
import { dropDatabases, serviceDatabaseNames } from '@commerce/stack/postgres';
import { createKafka } from '@commerce/kit/events/kafka';
import { createLogger } from '@commerce/kit/logger';
import { SERVICES } from '@commerce/kit/service-config';
import { runWith } from '../support/exit.js';
import { run, unique } from '../support/run.js';

const PORT_VARIABLES = [
  'ROUTER_PORT',
  'USERS_PORT',
  'PRODUCTS_PORT',
  'REVIEWS_PORT',
  'ORDERS_PORT',
  'STOREFRONT_PORT',
  'ROUTER_METRICS_PORT',
  'USERS_METRICS_PORT',
  'PRODUCTS_METRICS_PORT',
  'REVIEWS_METRICS_PORT',
  'ORDERS_METRICS_PORT',
  'KAFKA_PORT',
  'KAFKA_CONTROLLER_PORT',
] as const;
type PortVariable = (typeof PORT_VARIABLES)[number];

/** This process's environment without the settings a developer's shell might carry into `npm start`. */
function cleanEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['DATABASE_URL', 'KAFKA_BROKERS', 'PORT', 'METRICS_PORT', ...PORT_VARIABLES]) delete env[name];
  return env;
}

const prefix = unique('commerce_npmstart_').replace(/-/g, '_');
const databases = Object.values(serviceDatabaseNames(prefix));
let ports: Record<PortVariable, number>;
let start: ChildProcess | null = null;
let stdout = '';

beforeAll(async () => {
  ports = Object.fromEntries(await Promise.all(PORT_VARIABLES.map(async (name) => [name, await freePort()] as const))) as Record<PortVariable, number>;
});

afterAll(async () => {
  if (start && start.exitCode === null && start.signalCode === null) {
    const child = start;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await dropDatabases(run.serverUrl, databases);
}, 60_000);

/** Resolves once `child`'s stdout contains `text`; rejects if it exits first or after `timeoutMs`. */
function waitForLine(child: ChildProcess, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${timeoutMs} ms:\n${stdout}`)), timeoutMs);
    const check = () => {
      if (stdout.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited ${code} before "${text}":\n${stdout}`));
    });
  });
}

const existingDatabases = async (): Promise<string[]> => {
  const client = new pg.Client({ connectionString: run.serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY datname', [databases]);
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
};

describe('npm start with its own settings', () => {
  it('listens where ROUTER_PORT, USERS_PORT, PRODUCTS_PORT, REVIEWS_PORT, ORDERS_PORT, STOREFRONT_PORT say, creates <DATABASE_NAME_PREFIX>_* and runs its broker on KAFKA_PORT/KAFKA_CONTROLLER_PORT', async () => {
    const env = {
      ...cleanEnv(),
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      DATABASE_NAME_PREFIX: prefix,
      KAFKA_TOPIC_PREFIX: `${prefix}.`,
      SEED_DEMO_DATA: 'false',
      REDIS_URL: run.redisUrl,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    };
    const started = Date.now();
    start = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'deploy/local/src/start.ts')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    start.stdout?.on('data', (chunk) => (stdout += chunk));
    start.stderr?.on('data', (chunk) => (stdout += chunk));
    await waitForLine(start, 'Supergraph ready in', 150_000);
    console.log(`npm start ready in ${((Date.now() - started) / 1000).toFixed(1)} s (own broker, migrations, storefront)`);

    const router = new GraphQLClient(`http://127.0.0.1:${ports.ROUTER_PORT}/graphql`);
    expect(await router.data('{ __typename }')).toEqual({ __typename: 'Query' });
    for (const service of SERVICES) {
      const health = await fetch(`http://127.0.0.1:${ports[`${service.toUpperCase()}_PORT` as PortVariable]}/health`);
      expect(health.status, `${service} /health`).toBe(200);
      const metrics = await fetch(`http://127.0.0.1:${ports[`${service.toUpperCase()}_METRICS_PORT` as PortVariable]}/metrics`);
      expect(metrics.status, `${service} /metrics`).toBe(200);
    }
    expect((await fetch(`http://127.0.0.1:${ports.ROUTER_METRICS_PORT}/metrics`)).status).toBe(200);
    const storefront = await fetch(`http://127.0.0.1:${ports.STOREFRONT_PORT}/`);
    expect(storefront.status).toBe(200);
    expect(await storefront.text()).toContain('<html');

    expect(await existingDatabases()).toEqual([...databases].sort());

    const admin = createKafka('npm-start-test', [`127.0.0.1:${ports.KAFKA_PORT}`], createLogger('npm-start-test', 'silent')).admin();
    await admin.connect();
    try {
      expect((await admin.listTopics()).filter((topic) => topic.startsWith(`${prefix}.`)).length).toBeGreaterThan(0);
    } finally {
      await admin.disconnect();
    }
    expect(await isPortFree(ports.KAFKA_CONTROLLER_PORT), 'the controller listens on KAFKA_CONTROLLER_PORT').toBe(false);
  }, 200_000);

  it('npm run seed writes the demo data through ROUTER_URL', async () => {
    const router = new GraphQLClient(`http://127.0.0.1:${ports.ROUTER_PORT}/graphql`);
    const before = await router.request('{ product(sku: "MUG-001") { name } }');
    expect(before.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    const seeded = await runWith('deploy/local/src/seed-cli.ts', { ROUTER_URL: `http://127.0.0.1:${ports.ROUTER_PORT}/graphql`, ADMIN_EMAIL: undefined, ADMIN_PASSWORD: undefined });
    expect(seeded).toMatchObject({ code: 0, stderr: '' });
    expect(await router.data('{ product(sku: "MUG-001") { name } }')).toEqual({ product: { name: 'Stoneware Mug' } });
  }, 120_000);

  it('Ctrl-C stops everything it started: no port is listened on afterwards', async () => {
    const child = start;
    if (!child || child.exitCode !== null) throw new Error(`npm start is not running:\n${stdout}`);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/\[start\] stopped \(/);
    const stillListening = [];
    for (const [name, port] of Object.entries(ports)) if (!(await isPortFree(port))) stillListening.push(name);
    expect(stillListening).toEqual([]);
  }, 90_000);
});

describe('npm start and npm run seed refuse bad settings, naming them', () => {
  it('a port already in use stops npm start before anything starts, naming its variable', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const { code, stderr } = await runWith('deploy/local/src/start.ts', { ...cleanEnv(), STOREFRONT_PORT: String(port), ROUTER_PORT: String(await freePort()) });
      expect(code).toBe(1);
      expect(stderr).toContain(`Port ${port} (STOREFRONT_PORT) is already in use`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('a bad DATABASE_NAME_PREFIX or port value stops npm start, naming each', async () => {
    const { code, stderr } = await runWith('deploy/local/src/start.ts', { ...cleanEnv(), DATABASE_NAME_PREFIX: 'Has-Capitals', KAFKA_CONTROLLER_PORT: '99999', ROUTER_PORT: 'x' });
    expect(code).toBe(1);
    for (const name of ['DATABASE_NAME_PREFIX', 'KAFKA_CONTROLLER_PORT', 'ROUTER_PORT']) expect(stderr).toContain(`${name}:`);
  });

  it('a ROUTER_URL that is not a URL, or where no router answers, fails the seed naming it', async () => {
    const bad = await runWith('deploy/local/src/seed-cli.ts', { ROUTER_URL: 'not a url' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ROUTER_URL:');
    const nowhere = await runWith('deploy/local/src/seed-cli.ts', { ROUTER_URL: 'http://127.0.0.1:1/graphql' });
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('seeding through http://127.0.0.1:1/graphql failed');
  });
});

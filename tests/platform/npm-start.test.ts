/**
 * `npm start` (deploy/local/src/start.ts, run as the script runs it: node --import tsx) with every
 * setting of its own changed: each process listens on the port its variable names, the local broker
 * on KAFKA_PORT / KAFKA_CONTROLLER_PORT, the databases are `<DATABASE_NAME_PREFIX>_<service>`; Ctrl-C
 * (SIGINT) stops all of it. `npm run seed` writes what is missing of the demo data through ROUTER_URL,
 * this stack's router (so the shared stack's catalog stays as its suites expect). Refusals: a port in
 * use and a bad prefix stop it at once, naming the variable; a bad ROUTER_URL stops the seed, naming it.
 *
 * The same run is the README's: its output (normalised, schema/src/readme-examples-live.ts) must be the
 * README's `npm start` block and crash/restart lines, and `npm run reconcile` on its databases the
 * README's reconcile block (`npm run docs:examples -- --live` regenerates them).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLClient } from '@commerce/stack/client';
import { repoRoot } from '@commerce/stack/paths';
import { freePort, isPortFree } from '@commerce/stack/ports';
import { createKafka } from '@commerce/kit/events/kafka';
import { createLogger } from '@commerce/kit/logger';
import { SERVICES } from '@commerce/kit/service-config';
import { readmeBlock } from '@commerce/schema/src/readme-examples.js';
import { reconcileExample, START_TIMEOUT_MS, startBlocks, startScratch, type PortVariable, type ScratchStart } from '@commerce/schema/src/readme-examples-live.js';
import { runWith } from '../support/exit.js';
import { metricValue, run } from '../support/run.js';

/** This process's environment without the settings a developer's shell might carry into `npm start`. */
function cleanEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['DATABASE_URL', 'KAFKA_BROKERS', 'PORT', 'METRICS_PORT']) delete env[name];
  return env;
}

const readme = () => readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
let start: ScratchStart;
let ports: Record<PortVariable, number>;

beforeAll(async () => {
  start = await startScratch({ serverUrl: run.serverUrl, redisUrl: run.redisUrl });
  ports = start.ports;
});

afterAll(async () => {
  await start?.dispose();
}, 60_000);

const existingDatabases = async (): Promise<string[]> => {
  const client = new pg.Client({ connectionString: run.serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY datname', [start.databases]);
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
};

describe('npm start with its own settings', () => {
  it('listens where ROUTER_PORT, USERS_PORT, PRODUCTS_PORT, REVIEWS_PORT, ORDERS_PORT, STOREFRONT_PORT say, creates <DATABASE_NAME_PREFIX>_* and runs its broker on KAFKA_PORT/KAFKA_CONTROLLER_PORT', async () => {
    const started = Date.now();
    await start.waitFor('Supergraph ready in', START_TIMEOUT_MS);
    console.log(`npm start ready in ${((Date.now() - started) / 1000).toFixed(1)} s (own broker, migrations, storefront, demo data)`);

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

    expect(await existingDatabases()).toEqual([...start.databases].sort());

    const admin = createKafka('npm-start-test', [`127.0.0.1:${ports.KAFKA_PORT}`], createLogger('npm-start-test', 'silent')).admin();
    await admin.connect();
    try {
      expect((await admin.listTopics()).filter((topic) => topic.startsWith(`${start.prefix}.`)).length).toBeGreaterThan(0);
    } finally {
      await admin.disconnect();
    }
    expect(await isPortFree(ports.KAFKA_CONTROLLER_PORT), 'the controller listens on KAFKA_CONTROLLER_PORT').toBe(false);
  }, START_TIMEOUT_MS + 30_000);

  it('npm run seed writes what is missing of the demo data through ROUTER_URL', async () => {
    const routerUrl = `http://127.0.0.1:${ports.ROUTER_PORT}/graphql`;
    const router = new GraphQLClient(routerUrl);
    const { logIn } = await router.data<{ logIn: { token: string } }>('mutation { logIn(email: "alice@example.com", password: "password123") { token } }');
    const alice = router.withToken(logIn.token);
    const reviewsOf = async () => (await alice.data<{ me: { reviews: { edges: { node: { id: string } }[] } } }>('{ me { reviews(first: 100) { edges { node { id } } } } }')).me.reviews.edges;
    const seeded = await reviewsOf();
    expect(seeded.length).toBeGreaterThan(0);
    await alice.data('mutation Delete($id: ID!) { deleteReview(id: $id) { id } }', { id: seeded[0]!.node.id });
    expect(await reviewsOf()).toHaveLength(seeded.length - 1);

    const requests = () => metricValue(`http://127.0.0.1:${ports.ROUTER_METRICS_PORT}/metrics`, 'http_requests_total', { route: '/graphql' });
    const before = await requests();
    const outcome = await runWith('deploy/local/src/seed-cli.ts', { ROUTER_URL: routerUrl, ADMIN_EMAIL: undefined, ADMIN_PASSWORD: undefined });
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    expect(await requests(), 'the seed went through the router at ROUTER_URL').toBeGreaterThan(before);
    expect(await reviewsOf()).toHaveLength(seeded.length);
  }, 120_000);

  it("npm run reconcile on its databases prints the README's reconcile block", async () => {
    expect(await reconcileExample(start)).toBe(readmeBlock(readme(), 'reconcile'));
  }, 120_000);

  it('a subgraph killed with SIGKILL is restarted, saying so', async () => {
    start.kill('products');
    await start.waitFor('products is ready again', 120_000);
    expect(await new GraphQLClient(`http://127.0.0.1:${ports.ROUTER_PORT}/graphql`).data('{ product(sku: "MUG-001") { name } }')).toEqual({ product: { name: 'Stoneware Mug' } });
  }, 130_000);

  it('Ctrl-C stops everything it started: no port is listened on afterwards', async () => {
    expect(await start.interrupt()).toBe(0);
    expect(start.output()).toMatch(/\[start\] stopped \(/);
    const stillListening = [];
    for (const [name, port] of Object.entries(ports)) if (!(await isPortFree(port))) stillListening.push(name);
    expect(stillListening).toEqual([]);
  }, 90_000);

  it("its output, normalised, is the README's npm start block and crash/restart lines", () => {
    const blocks = startBlocks(start);
    expect(blocks['npm-start']).toBe(readmeBlock(readme(), 'npm-start'));
    expect(blocks['crash-restart']).toBe(readmeBlock(readme(), 'crash-restart'));
  });
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

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLClient } from '@commerce/stack/client';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@commerce/stack/embedded-postgres';
import { dataDir, repoRoot } from '@commerce/stack/paths';
import { freePort, freeStackPorts } from '@commerce/stack/ports';
import { startStack, type Stack } from '@commerce/stack/stack';
import { runWith } from '../support/exit.js';
import { run } from '../support/run.js';

let embedded: EmbeddedDatabase | null = null;
let stack: Stack | null = null;
afterAll(async () => {
  await stack?.stop();
  await embedded?.stop();
});

describe('a bare laptop: no PostgreSQL, so an embedded one', () => {
  it('starts the embedded PostgreSQL, migrates the four databases, and answers through the router', async () => {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'test-embedded-postgres'), port: await freePort(), fresh: true });
    expect(embedded.url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
    stack = await startStack({
      serverUrl: embedded.url,
      databasePrefix: 'commerce_embedded',
      kafkaBrokers: run.brokers,
      topicPrefix: `embedded-${Date.now().toString(36)}.`,
      host: '127.0.0.1',
      ports: await freeStackPorts(),
      metricsPorts: await freeStackPorts(),
      logsDir: path.join(dataDir, 'test-logs', 'embedded'),
      env: { LOG_LEVEL: 'warn', NODE_ENV: 'test', JWT_KEY_DIR: path.join(dataDir, 'test-embedded-jwt'), ROUTER_SHARED_SECRET: run.routerSecret },
    });
    const router = new GraphQLClient(stack.routerUrl);
    const { logIn } = await router.data<{ logIn: { token: string } }>(
      'mutation { logIn(email: "admin@example.com", password: "admin-password") { token } }',
    );
    await router.withToken(logIn.token).data('mutation { createProduct(input: { sku: "EMB-1", name: "Embedded", description: "", price: { amountCents: "100" }, stock: 1 }) { id } }');
    const { product } = await router.data<{ product: { name: string } }>('{ product(sku: "EMB-1") { name } }');
    expect(product.name).toBe('Embedded');
  }, 180_000);
});

/**
 * `npm start` on a machine where nothing answers on 127.0.0.1:5432, for real: start.ts runs in a network
 * namespace of its own (`unshare --net`: only a loopback, nothing listening), with a mount namespace that
 * puts a scratch directory over `.data/postgres`, so a developer's embedded data is never touched. Needs
 * root (or CAP_SYS_ADMIN), as CI has; without it the test fails saying so. KAFKA_BROKERS names a closed
 * port, so the start ends at the topics step, after the databases were created and migrated on the
 * embedded server, and stops that server on its way out.
 */
function startWithoutPostgres(env: Record<string, string>, before = ''): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const script = `ip link set lo up && mkdir -p "$DATA" && mount --bind "$SCRATCH" "$DATA" && ${before} exec "$NODE" --import tsx deploy/local/src/start.ts`;
    const child = spawn('unshare', ['--net', '--mount', 'sh', '-c', script], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'fatal', SEED_DEMO_DATA: 'false', KAFKA_BROKERS: '127.0.0.1:1', DATA: path.join(dataDir, 'postgres'), SCRATCH: scratch, NODE: process.execPath, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm start without PostgreSQL did not end within 150 s:\n${output}`));
    }, 150_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (/unshare: .*(Operation not permitted|Permission denied)/.test(output)) reject(new Error(`this test needs a network namespace (root or CAP_SYS_ADMIN, as CI has):\n${output}`));
      else resolve({ code, output });
    });
  });
}

let scratch = '';

describe('EMBEDDED_POSTGRES_PORT: npm start where nothing answers on 127.0.0.1:5432', () => {
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'embedded-postgres-port-'));
    chmodSync(scratch, 0o755);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('starts the embedded PostgreSQL on EMBEDDED_POSTGRES_PORT and creates and migrates the four databases there', async () => {
    const port = 56_543;
    const { code, output } = await startWithoutPostgres({ EMBEDDED_POSTGRES_PORT: String(port) });
    expect(output).toContain(`[start] no PostgreSQL answers on 127.0.0.1:5432: starting an embedded one on port ${port} (data in .data/postgres)`);
    expect(output).toMatch(new RegExp(`\\[start\\] embedded PostgreSQL ready at postgresql://postgres:postgres@127\\.0\\.0\\.1:${port}/postgres \\(`));
    expect(output).toContain('[start] created databases commerce_users, commerce_products, commerce_reviews, commerce_orders');
    expect(output).toContain('[start] migrations applied to users, products, reviews, orders');
    // The closed broker port ends the start; the embedded server's data went to the scratch directory.
    expect(code).toBe(1);
    expect(output).toContain('ECONNREFUSED 127.0.0.1:1');
    expect(existsSync(path.join(scratch, 'PG_VERSION'))).toBe(true);
  }, 160_000);

  it('a taken EMBEDDED_POSTGRES_PORT stops npm start naming the variable; a value that is no port is refused before anything starts', async () => {
    const port = 56_544;
    // Held inside the namespace by a listener that ends by itself (nothing outside can reach it).
    const holder = `"$NODE" -e 'require("net").createServer().listen(${port}, "127.0.0.1"); setTimeout(() => process.exit(0), 20000)' & sleep 1 &&`;
    const taken = await startWithoutPostgres({ EMBEDDED_POSTGRES_PORT: String(port) }, holder);
    expect(taken.code).toBe(1);
    expect(taken.output).toContain(`[start] Port ${port} is taken, so the embedded PostgreSQL cannot start.`);
    expect(taken.output).toContain('set EMBEDDED_POSTGRES_PORT to another one');
    for (const value of ['65536', '-1', 'five']) {
      const { code, stderr } = await runWith('deploy/local/src/start.ts', { EMBEDDED_POSTGRES_PORT: value });
      expect(code, value).toBe(1);
      expect(stderr, value).toContain('EMBEDDED_POSTGRES_PORT:');
    }
  }, 60_000);
});

import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphQLClient } from '@commerce/stack/client';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@commerce/stack/embedded-postgres';
import { dataDir } from '@commerce/stack/paths';
import { freePort, freeStackPorts } from '@commerce/stack/ports';
import { startStack, type Stack } from '@commerce/stack/stack';
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

/**
 * Serves the storefront build on its own, as its container does: the build comes from the image's
 * build stage, so nothing is built here and a missing build stops the process.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { env, loadConfig } from '@commerce/kit/config';
import { repoRoot } from './paths.js';
import { serveStorefront } from './storefront.js';

const config = loadConfig('storefront', {
  HOST: env.string('127.0.0.1'),
  PORT: env.port(4005),
  /** The router's endpoint as the shopper's browser reaches it (not the container network's name). */
  PUBLIC_GRAPHQL_URL: env.url('http://localhost:4000/graphql'),
});

if (!existsSync(path.join(repoRoot, 'clients/storefront/dist/index.html'))) {
  console.error('[storefront] no build in clients/storefront/dist: run `npm run build -w @commerce/storefront` first');
  process.exit(1);
}

const server = await serveStorefront({ host: config.HOST, port: config.PORT, graphqlUrl: config.PUBLIC_GRAPHQL_URL });
console.log(`[storefront] serving ${server.url} against ${config.PUBLIC_GRAPHQL_URL}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close().then(() => process.exit(0)));

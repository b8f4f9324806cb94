/**
 * Serves the built storefront (clients/storefront/dist) with Fastify: static files, the SPA fallback to
 * index.html for deep links, and /config.json telling the app where the supergraph is. Builds it first
 * when the build is missing or older than its sources.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { repoRoot } from './paths.js';
import { StartupError } from './startup-error.js';

const run = promisify(execFile);
const appDir = path.join(repoRoot, 'clients/storefront');
const distDir = path.join(appDir, 'dist');

function newestMtime(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((entry) => newestMtime(path.join(target, entry))));
}

export async function ensureStorefrontBuilt(report: (line: string) => void = () => undefined): Promise<void> {
  const built = path.join(distDir, 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((entry) => path.join(appDir, entry));
  sources.push(path.join(repoRoot, 'schema/persisted-queries/storefront.json'));
  // How it is built (this file) counts too: a change of build options must reach existing builds.
  sources.push(fileURLToPath(import.meta.url));
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  report('building the storefront');
  try {
    // NODE_ENV decides Vite's import.meta.env.PROD: a test runner's NODE_ENV=test would otherwise build a
    // development storefront, sending operation text instead of persisted-query ids.
    await run(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--mode', 'production', '--logLevel', 'warn'], {
      cwd: appDir,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, NODE_ENV: 'production' },
    });
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    throw new StartupError(`Building the storefront failed:\n${failure.stderr ?? ''}${failure.stdout ?? ''}`, 'Run `npm run build -w @commerce/storefront` to see the error, fix it, then start again.');
  }
}

/**
 * Whether an unmatched request is one of the app's own pages (served index.html, the app then routes it,
 * showing its "not found" page for paths it does not know) rather than a file: a GET/HEAD whose path —
 * without the query string — has no extension. `/missing.js`, `/favicon.ico` and `/x.png?v=1` are 404s.
 */
export function isAppRoute(method: string, url: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const pathname = new URL(url, 'http://storefront.invalid').pathname;
  return path.posix.extname(pathname) === '';
}

export interface StorefrontServer {
  url: string;
  close: () => Promise<void>;
}

export async function serveStorefront(options: { host: string; port: number; graphqlUrl: string }): Promise<StorefrontServer> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  await app.register(fastifyStatic, { root: distDir, wildcard: false });
  app.get('/config.json', async () => ({ graphqlUrl: options.graphqlUrl }));
  // For container health checks; the app itself is static files.
  app.get('/health', async () => ({ status: 'ok' }));
  app.setNotFoundHandler((request, reply) => (isAppRoute(request.method, request.url) ? reply.sendFile('index.html') : reply.status(404).send('Not found')));
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    throw new StartupError(`The storefront cannot listen on port ${options.port}: ${(error as Error).message}`, 'Stop what uses that port, or choose another with STOREFRONT_PORT.');
  }
  return { url: `http://${options.host}:${options.port}/`, close: () => app.close() };
}

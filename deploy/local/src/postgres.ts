/** The four service databases on one PostgreSQL server: names, creation, and per-service URLs. */
import pg from 'pg';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { StartupError } from './startup-error.js';

/** The URL of database `name` on the server `serverUrl` points at (its own database name is ignored). */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function serviceDatabaseNames(prefix: string): Record<ServiceName, string> {
  return Object.fromEntries(SERVICES.map((service) => [service, `${prefix}_${service}`])) as Record<ServiceName, string>;
}

/** Connects to the server's maintenance database, whatever database the URL names. */
async function withServer<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres'), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(serverUrl);
    throw new StartupError(
      `PostgreSQL is not reachable at ${where.hostname}:${where.port || 5432} (${(error as Error).message}).`,
      'Start PostgreSQL there or fix DATABASE_URL; unset DATABASE_URL to use the local PostgreSQL, or an embedded one when none answers.',
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function ensureDatabases(serverUrl: string, names: string[]): Promise<string[]> {
  return withServer(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [names]);
    const existing = new Set(rows.map((row) => row.datname));
    const created: string[] = [];
    for (const name of names.filter((n) => !existing.has(n))) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      created.push(name);
    }
    return created;
  });
}

export async function dropDatabases(serverUrl: string, names: string[]): Promise<void> {
  await withServer(serverUrl, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  });
}

/** Whether a PostgreSQL server answers at `serverUrl` (within two seconds). */
export async function postgresAnswers(serverUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres'), connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

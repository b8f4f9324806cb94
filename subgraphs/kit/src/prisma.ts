/** Prisma helpers shared by the services' data layers (each service has its own generated client). */
import { PrismaPg } from '@prisma/adapter-pg';
import type { Metrics } from './metrics.js';

/** P2002: a unique constraint refused the write (e.g. an e-mail address already registered). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

/** P2025: the row an update or delete needed does not exist. */
export function isRecordNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2025';
}

/**
 * Options for a service's generated PrismaClient: the node-postgres driver adapter (Prisma 7's
 * engine-free client) and query events, which feed `db_queries_total` so tests and benchmarks can
 * count SQL statements per request.
 */
export function prismaClientOptions(url: string, poolSize: number) {
  return {
    adapter: new PrismaPg({ connectionString: url, max: poolSize }),
    log: [{ emit: 'event' as const, level: 'query' as const }],
  };
}

/**
 * Where a client's statements come from: `graphql` (serving requests) or `events` (the outbox relay and
 * consumers, on a pool of their own), so per-request SQL counts are not blurred by background work.
 */
export type QuerySource = 'graphql' | 'events';

export type PrismaClientOptions = ReturnType<typeof prismaClientOptions>;

export interface DatabaseConfig {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  EVENTS_POOL_SIZE: number;
}

/**
 * `url` with the PostgreSQL `application_name` that labels one pool's connections in `pg_stat_activity`:
 * `<name>-<source>`, where `<name>` is the URL's own `application_name` if it has one (an operator's
 * label is kept, and tests tell one instance apart), else the service's name; e.g. `reviews-graphql`,
 * `reviews-events`.
 */
export function poolConnectionString(url: string, service: string, source: QuerySource): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', `${parsed.searchParams.get('application_name') || service}-${source}`);
  return parsed.toString();
}

/**
 * Opens `service`'s Prisma client for `source`, on a pool of that source's size (DATABASE_POOL_SIZE or
 * EVENTS_POOL_SIZE) labelled `<service>-<source>` (see poolConnectionString), counting its statements.
 */
export function openDatabase<Db extends { $on(event: 'query', callback: () => void): void }>(
  create: (options: PrismaClientOptions) => Db,
  config: DatabaseConfig,
  metrics: Metrics,
  source: QuerySource,
  service: string,
): Db {
  const poolSize = source === 'graphql' ? config.DATABASE_POOL_SIZE : config.EVENTS_POOL_SIZE;
  const db = create(prismaClientOptions(poolConnectionString(config.DATABASE_URL, service, source), poolSize));
  const counter = metrics.dbQueries.labels({ source });
  db.$on('query', () => counter.inc());
  return db;
}

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

export function countQueries(db: { $on(event: 'query', callback: () => void): void }, metrics: Metrics): void {
  db.$on('query', () => metrics.dbQueries.inc());
}

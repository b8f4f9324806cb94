/** Prisma helpers shared by the services' data layers (each service has its own generated client). */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
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
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const options = {
    // The pool is ours so that the SQL reader below shares it; $disconnect still ends it.
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    log: [{ emit: 'event' as const, level: 'query' as const }],
  };
  pools.set(options, pool);
  return options;
}

const pools = new WeakMap<object, pg.Pool>();
const readers = new WeakMap<object, SqlReader>();

/**
 * Rows of one read-only SQL statement, sent on the Prisma client's own connection pool (node-postgres)
 * without Prisma's request pipeline: for the hot loaders, where Prisma's per-row result mapping cost
 * three to four times the CPU of the query itself (docs/performance.md, Optimisations). Values come
 * back as Prisma returns them from raw queries: int8 as bigint, timestamptz as Date, json(b) parsed,
 * so rows keep their Prisma row types (alias columns to the Prisma field names). Each statement counts
 * in `db_queries_total` like Prisma's. SQL text comes from code (each text is a prepared statement:
 * see statementName); inputs go in `values`.
 */
export interface SqlReader {
  rows<T>(text: string, values: readonly unknown[]): Promise<T[]>;
}

const INT8 = 20;
const TIMESTAMPTZ = 1184;
const parseInt8 = (value: string) => BigInt(value);
const parseDate = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (value: string) => Date;

/**
 * A timestamptz as node-postgres parses it (postgres-date), with a fast path for what a UTC session
 * sends (`2026-11-30 16:03:37.123+00`): the same Date, without postgres-date's three regular
 * expressions (5% of the reviews service's CPU on a large list, two timestamps per review). Anything
 * else (another offset, BC, infinity, a year before 1000) goes to postgres-date.
 */
export function parseTimestamptz(text: string): Date {
  const length = text.length;
  if (
    length >= 22 &&
    text.charCodeAt(0) !== 48 /* 0 */ &&
    text.charCodeAt(4) === 45 /* - */ &&
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 32 /* space */ &&
    text.charCodeAt(13) === 58 /* : */ &&
    text.charCodeAt(16) === 58 &&
    (length === 22 || text.charCodeAt(19) === 46) /* . */ &&
    text.charCodeAt(length - 3) === 43 /* + */ &&
    text.charCodeAt(length - 2) === 48 &&
    text.charCodeAt(length - 1) === 48
  ) {
    let ms = 0;
    if (length > 22) {
      // The fraction's digits as postgres-date reads them (1000 × 0.ddd), truncated to ms by Date.UTC.
      let fraction = 0;
      let scale = 1;
      for (let i = 20; i < length - 3; i += 1) {
        fraction = fraction * 10 + digit(text, i);
        scale *= 10;
      }
      ms = (1000 * fraction) / scale;
    }
    const time = Date.UTC(
      digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3),
      digit(text, 5) * 10 + digit(text, 6) - 1,
      digit(text, 8) * 10 + digit(text, 9),
      digit(text, 11) * 10 + digit(text, 12),
      digit(text, 14) * 10 + digit(text, 15),
      digit(text, 17) * 10 + digit(text, 18),
      ms,
    );
    if (!Number.isNaN(time)) return new Date(time);
  }
  return parseDate(text);
}

/** The decimal digit at `index` of what PostgreSQL wrote (the shape checks above come first). */
const digit = (text: string, index: number) => text.charCodeAt(index) - 48;

const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8 ? parseInt8 : oid === TIMESTAMPTZ && format !== 'binary' ? parseTimestamptz : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * The field names a reader's column list yields (`a, b_c AS "bC", d::text AS d` → a, bC, d), sorted: a
 * test compares them with the model's scalar fields, so a column added to the table is not forgotten.
 */
export function selectedFields(columns: string): string[] {
  return columns
    .split(',')
    .map((column) => /(?:AS\s+"?(\w+)"?|(?:^|\.)(\w+))\s*$/i.exec(column.trim()))
    .map((match) => match?.[1] ?? match?.[2] ?? '?')
    .sort();
}

/**
 * The name a reader statement is prepared under, by its SQL text: node-postgres then parses each text
 * once per connection and sends only Bind/Execute after, and PostgreSQL keeps its plan (a generic one
 * after five executions, when that costs no more than the custom plans). Reader texts are constants, so
 * the map stays small; past MAX_PREPARED texts (a reader built from input would be a bug) statements go
 * unnamed, as before, rather than filling every connection with plans. A pooler in front of PostgreSQL
 * must support protocol-level prepared statements (PgBouncer 1.21+, `max_prepared_statements`).
 */
const statementNames = new Map<string, string>();
const MAX_PREPARED = 64;

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED) statementNames.set(text, (name = `commerce_reader_${statementNames.size + 1}`));
  return name;
}

/** The SQL reader of a client opened by `openDatabase`. */
export function sqlReader(db: object): SqlReader {
  const reader = readers.get(db);
  if (!reader) throw new Error('sqlReader: this Prisma client was not opened by openDatabase');
  return reader;
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
  const options = prismaClientOptions(poolConnectionString(config.DATABASE_URL, service, source), poolSize);
  const db = create(options);
  const counter = metrics.dbQueries.labels({ source });
  db.$on('query', () => counter.inc());
  const pool = pools.get(options)!;
  readers.set(db, {
    rows: async <T>(text: string, values: readonly unknown[]) => {
      counter.inc();
      return (await pool.query({ name: statementName(text), text, values: values as unknown[], types })).rows as T[];
    },
  });
  return db;
}

/**
 * The transactional outbox. A service writes its events into its own `outbox_events` table in the same
 * database transaction as the state change they describe; the relay publishes them to Kafka afterwards.
 * So a change is never committed without its event, and an event never describes a rolled-back change.
 */
import { randomUUID } from 'node:crypto';
import { eventCatalog, topicOf, type Envelope, type EventType, type PayloadOf } from './catalog.js';
import { traceHeaders } from '../telemetry.js';

/** Any Prisma client or interactive-transaction client. */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** A Prisma client's interactive transactions, typed over the service's own transaction client. */
export interface TransactionRunner<Tx> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: { timeout?: number; maxWait?: number }): Promise<R>;
}

/** Builds an event, validating its payload against the catalog (the producer's side of the contract). */
export function newEvent<T extends EventType>(type: T, aggregateId: string, payload: PayloadOf<T>): Envelope<PayloadOf<T>> {
  const spec = eventCatalog[type];
  return {
    id: randomUUID(),
    type,
    version: spec.version,
    occurredAt: new Date().toISOString(),
    aggregateId,
    payload: spec.payload.parse(payload) as PayloadOf<T>,
  };
}

/** Appends events to the outbox inside the caller's transaction, stamped with the current trace. */
export async function appendToOutbox(tx: SqlExecutor, events: readonly Envelope[], topicPrefix: string): Promise<void> {
  const headers = traceHeaders();
  await appendEntriesToOutbox(tx, events.map((event) => ({ event, headers })), topicPrefix);
}

/** One outbox row to be: the event and the trace headers (W3C `traceparent`…) of the work that wrote it. */
export interface OutboxEntry {
  event: Envelope;
  headers: Record<string, string>;
}

/**
 * Appends events to the outbox in one INSERT, in the given order (their `seq`s follow it), each with its
 * own trace headers: what a consumer uses to write the replies of a whole batch of events at once.
 */
export async function appendEntriesToOutbox(tx: SqlExecutor, entries: readonly OutboxEntry[], topicPrefix: string): Promise<void> {
  if (entries.length === 0) return;
  const insert = outboxInsert(entries, topicPrefix, 1);
  await tx.$executeRawUnsafe(insert.sql, ...insert.values);
}

/** An INSERT statement and its parameter values, numbered from the `firstParam` it was built for. */
export interface OutboxInsert {
  sql: string;
  values: unknown[];
}

/**
 * The INSERT of `entries` into `outbox_events` (at least one), its parameters numbered from `firstParam`
 * ($n): a statement of its own, or a data-modifying CTE of a caller's statement (see EventWriter.statement).
 */
export function outboxInsert(entries: readonly OutboxEntry[], topicPrefix: string, firstParam: number): OutboxInsert {
  const values: unknown[] = [];
  const rows = entries.map(({ event, headers }, index) => {
    const owner = eventCatalog[event.type as EventType].owner;
    values.push(event.id, topicOf(owner, topicPrefix), event.aggregateId, JSON.stringify(event), JSON.stringify(headers));
    const at = firstParam + index * 5;
    return `($${at}::uuid, $${at + 1}, $${at + 2}, $${at + 3}::jsonb, $${at + 4}::jsonb, clock_timestamp())`;
  });
  // created_at: when the row was written (close to the commit), not when the transaction began (the
  // column's default, now()); the saga's per-stage lag (bench/src/saga-lag.ts) reads it.
  return { sql: `INSERT INTO outbox_events (id, topic, key, envelope, headers, created_at) VALUES ${rows.join(', ')}`, values };
}

/** Writes events to the outbox of the transaction it was handed out in. */
export type Publish = (...events: Envelope[]) => Promise<void>;

/** What a service's domain code uses: a transaction in which it may publish events. */
export interface EventWriter<Tx> {
  transaction<R>(fn: (tx: Tx, publish: Publish) => Promise<R>): Promise<R>;
  /**
   * A state change and its events in one SQL statement, atomic without an interactive transaction: one
   * round trip where `transaction` takes BEGIN, each write, the outbox insert and COMMIT (the hot write
   * path of `placeOrder`: docs/performance.md). `write` gets the outbox INSERT of `events` (stamped with
   * the current trace), its parameters numbered after the caller's `values`, to run as a data-modifying
   * CTE of its statement (`WITH …, outbox AS (<sql>) …`), and every value of that statement (`values`,
   * then the outbox's); the relay is woken once it resolved. Rejects as `write` does (nothing written),
   * or at once without events.
   */
  statement<R>(events: readonly Envelope[], values: readonly unknown[], write: (outboxSql: string, values: unknown[]) => Promise<R>): Promise<R>;
}

export function eventWriter<Tx extends SqlExecutor>(
  db: TransactionRunner<Tx>,
  topicPrefix: string,
  /** Called after each commit that wrote events, so the relay publishes them at once. */
  afterCommit: () => void,
): EventWriter<Tx> {
  return {
    async transaction(fn) {
      let wrote = false;
      const result = await db.$transaction((tx) =>
        fn(tx, async (...events) => {
          wrote ||= events.length > 0;
          await appendToOutbox(tx, events, topicPrefix);
        }),
      );
      if (wrote) afterCommit();
      return result;
    },
    async statement(events, values, write) {
      if (events.length === 0) throw new Error('EventWriter.statement: at least one event');
      const headers = traceHeaders();
      const outbox = outboxInsert(events.map((event) => ({ event, headers })), topicPrefix, values.length + 1);
      const result = await write(outbox.sql, [...values, ...outbox.values]);
      afterCommit();
      return result;
    },
  };
}

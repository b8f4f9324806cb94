/**
 * Publishes outbox rows to Kafka in commit order and marks them sent only after the broker
 * acknowledged them (acks=all, idempotent producer). One relay per service database works at a time
 * (a transaction-scoped advisory lock), which keeps each aggregate's events in order even with several
 * replicas. While the broker is down, rows wait and the relay backs off; nothing is lost.
 */
import type { Message, Producer } from './kafka.js';
import { trace } from '@opentelemetry/api';
import { contextFrom, SpanKind, SpanStatusCode, traceHeaders, tracer, type Span } from '../telemetry.js';
import type { Logger } from '../logger.js';
import type { EventMetrics } from './metrics.js';
import type { SqlExecutor, TransactionRunner } from './outbox.js';

export interface RelayDatabase<Tx extends RelayTx> extends TransactionRunner<Tx> {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface RelayTx extends SqlExecutor {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface RelayOptions<Tx extends RelayTx> {
  db: RelayDatabase<Tx>;
  producer: Producer;
  log: Logger;
  metrics: EventMetrics;
  /** Poll interval when nothing woke the relay (other replicas' writes, retries after failures). */
  pollMs?: number;
  batchSize?: number;
  /** Published rows older than this are deleted. */
  retentionHours?: number;
}

interface OutboxRow {
  seq: bigint;
  topic: string;
  key: string;
  envelope: { type: string } & Record<string, unknown>;
  headers: Record<string, string>;
}

/** Any constant works; it only has to be the same for every replica of one service. */
const RELAY_LOCK = 7_402_113;

export class OutboxRelay<Tx extends RelayTx> {
  private running = false;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private loop: Promise<void> | null = null;
  private failures = 0;
  private lastCleanup = 0;
  private lastBacklog = 0;

  constructor(private readonly options: RelayOptions<Tx>) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Publish now rather than at the next poll (called after a commit that wrote events). */
  wake(): void {
    this.woken = true;
    // While the broker is failing, new writes do not cut the backoff short.
    if (this.failures === 0) this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { log, metrics } = this.options;
    const pollMs = this.options.pollMs ?? 500;
    while (this.running) {
      this.woken = false;
      let published = 0;
      try {
        published = await this.publishBatch();
        if (this.failures > 0) log.info({ afterFailures: this.failures }, 'outbox relay recovered');
        this.failures = 0;
        await this.cleanup();
      } catch (error) {
        this.failures += 1;
        metrics.relayFailures.inc();
        if (this.failures === 1 || this.failures % 20 === 0) {
          log.warn({ err: error, failures: this.failures }, 'outbox relay could not publish; retrying');
        }
      }
      // The backlog gauge at most once a second: a count per batch is one more statement on the
      // service's event loop, which under load is what every batch waits for.
      if (Date.now() - this.lastBacklog >= 1_000) await this.refreshBacklog();
      if (published === (this.options.batchSize ?? 200) || !this.running) continue;
      const delay = this.failures > 0 ? Math.min(250 * 2 ** Math.min(this.failures, 5), 5000) : pollMs;
      await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(), ms);
      const finish = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      this.wakeUp = finish;
      if (this.woken && this.failures === 0) finish();
    });
  }

  /** One batch, in one transaction: lock, read in commit order, send, mark sent. */
  private async publishBatch(): Promise<number> {
    const { db, producer, metrics } = this.options;
    const batchSize = this.options.batchSize ?? 200;
    return db.$transaction(
      async (tx) => {
        // The lock and the read in one statement (one round trip fewer on a busy event loop): the CTE is
        // evaluated once, before any row is read; without the lock (another replica publishes) no row.
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
          `WITH turn AS (SELECT pg_try_advisory_xact_lock($1) AS locked)
           SELECT seq, topic, key, envelope, headers FROM turn, outbox_events
           WHERE turn.locked AND published_at IS NULL ORDER BY seq LIMIT $2`,
          RELAY_LOCK,
          batchSize,
        );
        if (rows.length === 0) return 0;
        const byTopic = new Map<string, Message[]>();
        const spans: Span[] = [];
        for (const row of rows) {
          // A producer span in the trace of the request (or event) that wrote the row; consumers
          // continue from it through the message headers.
          const parent = contextFrom(row.headers);
          const span = tracer().startSpan(`publish ${row.topic}`, { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': row.topic } }, parent);
          spans.push(span);
          const messages = byTopic.get(row.topic) ?? [];
          messages.push({ key: row.key, value: JSON.stringify(row.envelope), headers: { ...row.headers, ...traceHeaders(trace.setSpan(parent, span)) } });
          byTopic.set(row.topic, messages);
        }
        try {
          await producer.sendBatch({
            acks: -1,
            topicMessages: [...byTopic.entries()].map(([topic, messages]) => ({ topic, messages })),
          });
        } catch (error) {
          for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          for (const span of spans) span.end();
        }
        // The time of the broker's acknowledgement, not the transaction's start (now()): the saga's
        // per-stage lag (bench/src/saga-lag.ts) reads it.
        await tx.$executeRawUnsafe(
          'UPDATE outbox_events SET published_at = clock_timestamp() WHERE seq = ANY($1::bigint[])',
          rows.map((row) => row.seq.toString()),
        );
        for (const row of rows) metrics.published.inc({ topic: row.topic, type: row.envelope.type });
        return rows.length;
      },
      { timeout: 30_000, maxWait: 5_000 },
    );
  }

  private async refreshBacklog(): Promise<void> {
    this.lastBacklog = Date.now();
    try {
      const [row] = await this.options.db.$queryRawUnsafe<{ pending: bigint }[]>(
        'SELECT count(*) AS pending FROM outbox_events WHERE published_at IS NULL',
      );
      this.options.metrics.outboxPending.set(Number(row?.pending ?? 0));
    } catch {
      // The database being away is reported by /ready; the gauge keeps its last value.
    }
  }

  private async cleanup(): Promise<void> {
    const hourMs = 3_600_000;
    if (Date.now() - this.lastCleanup < hourMs) return;
    this.lastCleanup = Date.now();
    await this.options.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(
        `DELETE FROM outbox_events WHERE published_at < now() - make_interval(hours => $1)`,
        this.options.retentionHours ?? 168,
      );
    });
  }
}

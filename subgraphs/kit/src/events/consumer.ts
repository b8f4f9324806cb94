/**
 * Runs a service's event handlers as a KafkaJS consumer group with the guarantees the platform
 * promises: each event's effect and its "applied" mark are committed in one database transaction
 * (a redelivered event changes nothing); failures are retried with backoff a bounded number of
 * times, then the event goes to `<topic>.dlq` with the error and the partition moves on; an event
 * that fails validation goes there at once. While the database itself is unreachable, nothing is
 * dead-lettered: the consumer stops and redelivers later. Events are applied a batch per transaction
 * (up to `batchSize` consecutive events of a partition, and the runs of other partitions waiting for
 * their turn in the same transaction); a batch whose transaction fails is applied again one event per
 * transaction, so the guarantees above hold per event (docs/decisions.md, "Consumers apply a batch per
 * transaction", "Batch handlers").
 */
import { context, trace, type Context } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from './kafka.js';
import type { Logger } from '../logger.js';
import { contextFrom, currentTraceId, inSpan, SpanKind, SpanStatusCode, traceHeaders, tracer } from '../telemetry.js';
import {
  deadLetterTopicOf,
  envelopeSchema,
  eventCatalog,
  topicOf,
  type Envelope,
  type EventType,
  type PayloadOf,
} from './catalog.js';
import type { EventMetrics } from './metrics.js';
import { appendEntriesToOutbox, appendToOutbox, type OutboxEntry, type Publish, type SqlExecutor, type TransactionRunner } from './outbox.js';

export interface HandlerContext<Tx> {
  tx: Tx;
  event: Envelope;
  /** Writes reply events to this service's outbox, in the same transaction. */
  publish: Publish;
  log: Logger;
}

/** One event of a run given to a batch handler: its payload (as the catalog parsed it), its envelope, where its replies go. */
export interface BatchItem<P> {
  payload: P;
  event: Envelope;
  /** Writes reply events to the outbox in this event's trace, in the batch's transaction. */
  publish: Publish;
}

/**
 * A handler that applies a run of consecutive events of its type in a few statements rather than a few
 * per event: what keeps a consumer's transaction short when its process is busy serving requests and
 * every statement waits for a turn of the event loop (docs/decisions.md, "Batch handlers"). Its effect
 * must be that of applying `items` one at a time in their order (the per-event path, after a failed
 * batch, calls it with one item), and it publishes each item's replies in item order. One handler object
 * may serve several event types (e.g. every event that moves one counter): a run of consecutive events
 * given to the same object, in any mix of those types, comes in one call (tell them by `event.type`).
 */
export interface BatchHandler<Tx, P> {
  batch: (items: BatchItem<P>[], ctx: { tx: Tx; log: Logger }) => Promise<void>;
}

export type Handlers<Tx> = {
  [T in EventType]?: ((payload: PayloadOf<T>, ctx: HandlerContext<Tx>) => Promise<void>) | BatchHandler<Tx, PayloadOf<T>>;
};

/** What the consumer needs of a transaction: statements, and rows back (processed_events' RETURNING). */
export interface ConsumerTx extends SqlExecutor {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface ConsumerOptions<Tx extends ConsumerTx> {
  kafka: Kafka;
  /** The consumer group, also the key under which applied events are remembered. */
  group: string;
  topicPrefix: string;
  db: TransactionRunner<Tx> & { $queryRawUnsafe(query: string): Promise<unknown> };
  producer: Producer;
  handlers: Handlers<Tx>;
  log: Logger;
  metrics: EventMetrics;
  /** Attempts before an event is dead-lettered. */
  maxAttempts?: number;
  /** Called after a handler wrote events to the outbox. */
  afterPublish?: () => void;
  /** Most events of one partition applied in one transaction (default 100). */
  batchSize?: number;
}

/** A heartbeat's failure during a batch (a rebalance, a lost session): `cause` is KafkaJS's error. */
class LostGroup extends Error {
  constructor(cause: unknown) {
    super('the consumer group rebalanced during a batch', { cause });
  }
}

/** A message that can never be applied (not JSON, no valid envelope, a payload the catalog refuses). */
class InvalidEvent extends Error {}

/** An invalid payload of a known type: dead-lettered under that type. */
class TypedInvalidEvent extends InvalidEvent {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type AnyHandler<Tx> = ((payload: unknown, ctx: HandlerContext<Tx>) => Promise<void>) | BatchHandler<Tx, unknown>;

/** A received message, validated: what applying it needs. */
interface ReceivedOf<Tx> {
  message: KafkaMessage;
  event: Envelope;
  /** Undefined when this service has no handler for the event's type (the event is skipped). */
  handler: AnyHandler<Tx> | undefined;
  /** The payload as the catalog's schema parsed it. */
  payload: unknown;
  /** The trace context of whoever wrote the event: the consumer span is a child of the producer's. */
  parent: Context;
}

/**
 * Advisory lock namespace (the two-key form, so it cannot meet the relay's one-key lock) of the batch
 * transactions; the second key is the consumer group's hash.
 */
const BATCH_LOCK = 7_402_114;

export interface RunningConsumer {
  consumer: Consumer;
  /** Resolves when the consumer first joined its group (partitions assigned). */
  joined: Promise<void>;
  stop: () => Promise<void>;
}

export async function startConsumer<Tx extends ConsumerTx>(options: ConsumerOptions<Tx>): Promise<RunningConsumer> {
  const { kafka, group, log, metrics, handlers } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const batchSize = Math.max(1, options.batchSize ?? 100);
  type Received = ReceivedOf<Tx>;
  const owners = new Set(Object.keys(handlers).map((type) => eventCatalog[type as EventType].owner));
  const topics = [...owners].map((owner) => topicOf(owner, options.topicPrefix));

  const consumer = kafka.consumer({
    groupId: group,
    // A member killed without leaving the group (kill -9, OOM, a lost node) holds its partitions until
    // its session expires, and a restarted replica cannot join before: 10 s rather than KafkaJS's 30 s
    // bounds that pause. Handlers are short transactions, so heartbeats every 2 s keep live members in.
    sessionTimeout: 10_000,
    heartbeatInterval: 2_000,
    retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 20 },
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    metrics.consumerLag.set({ group, topic: payload.topic, partition: payload.partition }, Number(payload.offsetLagLow));
  });
  let restarts = 0;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => {
      restarts = 0;
      resolve();
    }),
  );
  const connectAndRun = async () => {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      // Offsets are resolved by hand, as each event's outcome is committed (see handleBatch).
      eachBatchAutoResolve: false,
      eachBatch: (payload) => handleBatch(payload),
    });
  };
  // KafkaJS restarts a crashed consumer itself only after a retriable error. After any other (the group
  // coordinator still not found when a loaded broker is slow to elect one, a transient authorization
  // failure) it stays disconnected, and the service would never consume again nor become ready: we
  // start it again, backing off 1 s → 30 s, until it joins its group or the service stops.
  const restartLater = () => {
    const delayMs = Math.min(30_000, 1_000 * 2 ** Math.min(restarts, 5));
    restarts += 1;
    restartTimer = setTimeout(() => {
      if (stopping) return;
      log.warn({ group, attempt: restarts }, 'restarting the consumer after a crash KafkaJS does not restart from');
      // A failure inside run() crashes again (CRASH, restart: false) and comes back here.
      connectAndRun().catch(async (error: unknown) => {
        log.error({ err: error, group }, 'consumer restart failed');
        await consumer.disconnect().catch(() => undefined);
        if (!stopping) restartLater();
      });
    }, delayMs);
    restartTimer.unref();
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    if (!payload.restart && !stopping) restartLater();
  });

  try {
    await connectAndRun();
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  log.info({ group, topics }, 'consumer started');

  /**
   * One fetched batch of one partition, in offset order: runs of consecutive valid events are applied
   * `batchSize` at a time in one transaction (applyTogether); an invalid event is dead-lettered at its
   * place; an event without a handler is skipped. Each offset is resolved only once its outcome is
   * committed, so a crash or a rebalance redelivers from the first event not done.
   */
  async function handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    let run: Received[] = [];
    const flush = async () => {
      if (run.length === 0) return;
      const events = run;
      run = [];
      await applyRun(topic, partition, events, heartbeat);
      resolveOffset(events.at(-1)!.message.offset);
      await heartbeat();
    };
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      let received: Received;
      try {
        received = receive(message);
      } catch (error) {
        await flush();
        await inSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, parent: contextFrom(stringHeaders(message.headers)), attributes: spanAttributes(topic, partition) }, () =>
          deadLetter(topic, partition, message, error instanceof TypedInvalidEvent ? error.type : 'unknown', error),
        );
        resolveOffset(message.offset);
        continue;
      }
      if (!received.handler) {
        metrics.consumed.inc({ topic, type: received.event.type, outcome: 'ignored' });
        // Nothing to apply: it only moves the offset, in order with the events around it.
        if (run.length === 0) resolveOffset(message.offset);
        else run.push(received);
        continue;
      }
      run.push(received);
      if (run.length >= batchSize) await flush();
    }
    if (isRunning() && !isStale()) await flush();
  }

  /**
   * Applies consecutive events of one partition. Several go in one transaction; if it fails for any
   * reason (a handler's error, a deadlock, the database), all of it is rolled back and the same events
   * are applied again one per transaction with the per-event retries and dead-lettering, so one poison
   * event costs its neighbours a second try, never their effect or their order.
   */
  async function applyRun(topic: string, partition: number, events: Received[], heartbeat: () => Promise<void>): Promise<void> {
    const handled = events.filter((received) => received.handler);
    // A lone event goes through the batch path too (batchSize > 1), so it can share a transaction with
    // other partitions' runs (applyTogether); batchSize 1 keeps one event per transaction.
    if (handled.length > 1 || (handled.length === 1 && batchSize > 1)) {
      try {
        const lostGroup = await applyTogether(topic, partition, handled, heartbeat);
        // Committed; the group rebalanced meanwhile: let KafkaJS rejoin (what follows comes again).
        if (lostGroup) throw lostGroup;
        return;
      } catch (error) {
        if (error instanceof LostGroup) throw error.cause;
        metrics.batchFallbacks.inc({ topic });
        log.warn({ err: error, topic, partition, events: handled.length }, 'event batch failed; applying its events one at a time');
      }
    }
    for (const received of handled) {
      await applyAlone(topic, partition, received);
      await heartbeat();
    }
  }

  /**
   * This process's batch transactions one after the other (the advisory lock below does it across
   * replicas), and the runs that arrive while one is in flight (other partitions' batches) applied
   * together in the next one: one transaction, one lock, one mark and one outbox insert for all of
   * them. Under load each statement waits for a turn of the service's event loop, so transactions per
   * fetch rather than per partition is what bounds the lag. If that transaction fails, every run in it
   * falls back to one event per transaction (applyRun), each on its own. A run waiting for its turn does
   * not hold one of the events pool's connections.
   */
  interface PendingRun {
    topic: string;
    partition: number;
    events: Received[];
    heartbeat: () => Promise<void>;
    done: (lostGroup: LostGroup | undefined) => void;
    failed: (error: unknown) => void;
  }
  let waiting: PendingRun[] = [];
  let applying = false;

  function applyTogether(topic: string, partition: number, events: Received[], heartbeat: () => Promise<void>): Promise<LostGroup | undefined> {
    return new Promise((done, failed) => {
      waiting.push({ topic, partition, events, heartbeat, done, failed });
      if (!applying) void applyWaiting();
    });
  }

  async function applyWaiting(): Promise<void> {
    applying = true;
    while (waiting.length > 0) {
      const runs = waiting;
      waiting = [];
      try {
        const lost = await applyRuns(runs);
        runs.forEach((run, index) => run.done(lost[index]));
      } catch (error) {
        for (const run of runs) run.failed(error);
      }
    }
    applying = false;
  }

  /**
   * Runs of several partitions in one transaction: one processed_events insert, each run's handlers in
   * its order (consecutive events of one batch handler in one call), one outbox insert. Returns
   * each run's LostGroup when its heartbeat failed meanwhile (what was applied is committed).
   */
  async function applyRuns(runs: PendingRun[]): Promise<(LostGroup | undefined)[]> {
    const outbox: OutboxEntry[] = [];
    const lostGroups: (LostGroup | undefined)[] = runs.map(() => undefined);
    const outcomes = await options.db.$transaction(async (tx) => {
      // Batches touch many rows in event order, not in one global order: two batches of one group
      // (two replicas) could deadlock on them. One batch of a group at a time cannot. The lock and the
      // mark are one statement (one round trip fewer per batch, as in the relay): the CTE calls a
      // volatile function, so PostgreSQL evaluates it once, and before the first row is inserted.
      const fresh = new Set(
        (
          await tx.$queryRawUnsafe<{ event_id: string }[]>(
            // processed_at: when applying began (after the lock), not the transaction's start (now()).
            `WITH turn AS (SELECT pg_advisory_xact_lock($1, hashtext($2)))
             INSERT INTO processed_events (consumer, event_id, processed_at)
             SELECT $2, id, clock_timestamp() FROM turn, unnest($3::uuid[]) AS id
             ON CONFLICT DO NOTHING RETURNING event_id::text`,
            BATCH_LOCK,
            group,
            runs.flatMap((run) => run.events.map((received) => received.event.id)),
          )
        ).map((row) => row.event_id),
      );
      // A second copy of one event in the same transaction is a duplicate too: delete() answers true
      // once. PostgreSQL answers uuids in lower case; an envelope may carry upper case.
      const results = runs.map((run) => run.events.map((received) => (fresh.delete(received.event.id.toLowerCase()) ? ('applied' as const) : ('duplicate' as const))));
      for (const [index, { topic, partition, events, heartbeat }] of runs.entries()) {
        const toApply = events.filter((_, at) => results[index]![at] === 'applied');
        for (let at = 0; at < toApply.length; ) {
          const { handler } = toApply[at]!;
          let end = at + 1;
          if (typeof handler !== 'function') while (end < toApply.length && toApply[end]!.handler === handler) end += 1;
          await applyHandler(tx, topic, partition, toApply.slice(at, end), (_event, replies) => {
            const headers = traceHeaders();
            for (const reply of replies) outbox.push({ event: reply, headers });
          });
          at = end;
          // KafkaJS heartbeats only between batches or when asked (at most every heartbeatInterval): a
          // long batch on a loaded machine must not outlive the session and cost a rebalance.
          if (!lostGroups[index]) await heartbeat().catch((error: unknown) => (lostGroups[index] = new LostGroup(error)));
        }
      }
      await appendEntriesToOutbox(tx, outbox, options.topicPrefix);
      return results;
    });
    if (outbox.length > 0) options.afterPublish?.();
    runs.forEach(({ topic, events }, index) => events.forEach((received, at) => recordApplied(topic, received.event, outcomes[index]![at]!)));
    return lostGroups;
  }

  /**
   * Runs the handler of `run` (one event for a plain handler; consecutive events of one batch handler)
   * in `tx`, each event in a consumer span of its producer's trace; `publish` is called in the active
   * context of the event's span with that event's replies.
   */
  async function applyHandler(tx: Tx, topic: string, partition: number, run: Received[], publish: (event: Envelope, replies: Envelope[]) => void | Promise<void>): Promise<void> {
    const handler = run[0]!.handler!;
    const attributes = spanAttributes(topic, partition);
    if (typeof handler === 'function') {
      const received = run[0]!;
      await inSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, parent: received.parent, attributes }, () =>
        handler(received.payload, { tx, event: received.event, log: eventLog(received.event), publish: async (...replies) => publish(received.event, replies) }),
      );
      return;
    }
    // One span per event, all open while the run is applied; each item's replies carry its own span.
    // The run's statements are shared by its events, so they are traced once, under the first event's
    // span (for a lone event, its own trace, as a plain handler's are).
    const spans = run.map((received) => tracer().startSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes }, received.parent));
    try {
      await context.with(trace.setSpan(run[0]!.parent, spans[0]!), () => handler.batch(
        run.map((received, index) => ({
          payload: received.payload,
          event: received.event,
          publish: async (...replies) => context.with(trace.setSpan(received.parent, spans[index]!), () => publish(received.event, replies)),
        })),
        { tx, log: run.length === 1 ? eventLog(run[0]!.event) : log.child({ eventType: run[0]!.event.type, events: run.length }) },
      ));
    } catch (error) {
      for (const span of spans) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      }
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  /** One event in its own transaction, retried with backoff, then dead-lettered (the per-event path). */
  async function applyAlone(topic: string, partition: number, received: Received): Promise<void> {
    const { event, message } = received;
    await inSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, parent: received.parent, attributes: spanAttributes(topic, partition) }, async () => {
      const eventLogger = eventLog(event);
      for (let attempt = 1; ; attempt += 1) {
        try {
          recordApplied(topic, event, await apply(received, eventLogger));
          return;
        } catch (error) {
          if (attempt >= maxAttempts) {
            if (!(await databaseAnswers())) {
              // Not the event's fault: leave it uncommitted and let KafkaJS redeliver once the database is back.
              eventLogger.warn({ err: error }, 'database unavailable; event will be redelivered');
              throw error;
            }
            await deadLetter(topic, partition, message, event.type, error);
            return;
          }
          metrics.retried.inc({ topic, type: event.type });
          eventLogger.warn({ err: error, attempt }, 'event handler failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 3 ** (attempt - 1), 3_000)));
        }
      }
    });
  }

  function recordApplied(topic: string, event: Envelope, outcome: 'applied' | 'duplicate'): void {
    metrics.consumed.inc({ topic, type: event.type, outcome });
    metrics.applyLag.observe({ type: event.type }, (Date.now() - Date.parse(event.occurredAt)) / 1000);
  }

  function eventLog(event: Envelope): Logger {
    return log.child({ eventId: event.id, eventType: event.type, traceId: currentTraceId() });
  }

  async function apply(received: Received, eventLogger: Logger): Promise<'applied' | 'duplicate'> {
    const { event, handler, payload } = received;
    let published = false;
    const outcome = await options.db.$transaction(async (tx) => {
      const fresh = await tx.$executeRawUnsafe(
        'INSERT INTO processed_events (consumer, event_id, processed_at) VALUES ($1, $2::uuid, clock_timestamp()) ON CONFLICT DO NOTHING',
        group,
        event.id,
      );
      if (fresh === 0) return 'duplicate' as const;
      const publish: Publish = async (...events) => {
        published ||= events.length > 0;
        await appendToOutbox(tx, events, options.topicPrefix);
      };
      if (typeof handler === 'function') await handler(payload, { tx, event, log: eventLogger, publish });
      else await handler!.batch([{ payload, event, publish }], { tx, log: eventLogger });
      return 'applied' as const;
    });
    if (published) options.afterPublish?.();
    return outcome;
  }

  /**
   * A message as an event ready to apply: envelope and payload validated against the catalog, its
   * handler (undefined: this service does not handle the type), and the producer's trace context.
   * Throws InvalidEvent (TypedInvalidEvent once the type is known) for what can never be applied.
   */
  function receive(message: KafkaMessage): Received {
    const event = parse(message.value);
    const handler = handlers[event.type as EventType] as Received['handler'];
    const parent = contextFrom(stringHeaders(message.headers));
    if (!handler) return { message, event, handler, payload: undefined, parent };
    const payload = eventCatalog[event.type as EventType].payload.safeParse(event.payload);
    if (!payload.success) throw new TypedInvalidEvent(event.type, `invalid ${event.type} payload: ${payload.error.message}`);
    return { message, event, handler, payload: payload.data, parent };
  }

  function parse(value: Buffer | null): Envelope {
    if (!value) throw new InvalidEvent('empty message');
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch {
      throw new InvalidEvent('message is not JSON');
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) throw new InvalidEvent(`invalid envelope: ${envelope.error.message}`);
    return envelope.data;
  }

  async function databaseAnswers(): Promise<boolean> {
    try {
      await options.db.$queryRawUnsafe('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async function deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    type: string,
    error: unknown,
  ): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    await options.producer.send({
      topic: deadLetterTopicOf(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'dlq-error': reason.slice(0, 2000),
            'dlq-original-topic': topic,
            'dlq-original-partition': String(partition),
            'dlq-original-offset': message.offset,
            'dlq-consumer-group': group,
            'dlq-failed-at': new Date().toISOString(),
          },
        },
      ],
    });
    metrics.deadLettered.inc({ topic, type });
    log.error({ topic, partition, offset: message.offset, type, reason }, 'event dead-lettered');
  }

  function spanAttributes(topic: string, partition: number) {
    return { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.kafka.partition': partition, 'messaging.consumer.group.name': group };
  }

  return {
    consumer,
    joined,
    stop: () => {
      stopping = true;
      clearTimeout(restartTimer);
      return consumer.disconnect();
    },
  };
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}

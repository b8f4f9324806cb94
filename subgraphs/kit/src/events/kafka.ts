/**
 * KafkaJS clients configured the platform's way: pino logging, quick reconnects, topics created up front.
 * The one module that imports kafkajs (tests' harnesses aside): the rest of the code takes its clients
 * and the types re-exported below from here, so moving to another client touches this module and the
 * few calls the types describe (see docs/decisions.md, "KafkaJS's successors").
 */
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel as KafkaLogLevel, type ITopicConfig, type KafkaConfig, type SASLOptions } from 'kafkajs';

export type { Consumer, EachBatchPayload, EachMessagePayload, IHeaders, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import type { Logger } from '../logger.js';
import { ConfigError } from '../config.js';
import { kafkaSettingsProblems, SERVICES, type KafkaClientSettings, type ServiceName } from '../service-config.js';
import { consumerGroupOf, deadLetterTopicOf, eventCatalog, topicOf, type EventType } from './catalog.js';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/**
 * Where and how to connect: the parsed KAFKA_* settings (service-config.ts, `kafkaClientShape`), or
 * just the brokers for an unauthenticated plaintext broker (the tests' local one).
 */
export type KafkaConnection = string[] | (Pick<KafkaClientSettings, 'KAFKA_BROKERS'> & Partial<KafkaClientSettings>);

/** Reads a `_FILE` setting's file (trailing newline dropped); a missing or unreadable file is a ConfigError naming the variable. */
function readSetting(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new ConfigError([`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
}

/**
 * KafkaJS's `brokers`, `ssl` and `sasl` options from the KAFKA_* settings, files read now. Throws a
 * ConfigError naming the variable for an unusable combination (kafkaClientRules) or an unreadable file,
 * so a process stops at start rather than retrying a connection that can never succeed.
 */
export function kafkaConnectionOptions(connection: KafkaConnection): Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'> {
  if (Array.isArray(connection)) return { brokers: connection };
  const problems = kafkaSettingsProblems(connection);
  if (problems.length > 0) throw new ConfigError(problems);
  const ssl = connection.KAFKA_SSL
    ? connection.KAFKA_SSL_CA_FILE
      ? { ca: [readSetting('KAFKA_SSL_CA_FILE', connection.KAFKA_SSL_CA_FILE)] }
      : true
    : undefined;
  const value = (name: 'USERNAME' | 'PASSWORD'): string => {
    const file = connection[`KAFKA_SASL_${name}_FILE`];
    return file === undefined ? (connection[`KAFKA_SASL_${name}`] as string) : readSetting(`KAFKA_SASL_${name}_FILE`, file);
  };
  const mechanism = connection.KAFKA_SASL_MECHANISM;
  const sasl: SASLOptions | undefined = mechanism ? ({ mechanism, username: value('USERNAME'), password: value('PASSWORD') } as SASLOptions) : undefined;
  return { brokers: connection.KAFKA_BROKERS, ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}

/**
 * The platform's KafkaJS client. `connection` carries the brokers and, in production, TLS and SASL
 * (KAFKA_SSL, KAFKA_SASL_*): every client the platform makes (services, router, CLIs) goes through here.
 * A broker refusing the credentials fails `connect()` with KafkaJS's KafkaJSSASLAuthenticationError
 * ("SASL SCRAM SHA512 authentication failed ..."); see kafkaConnectionOptions for what throws at once.
 */
export function createKafka(clientId: string, connection: KafkaConnection, log: Logger): Kafka {
  const kafkaLog = log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    ...kafkaConnectionOptions(connection),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, maxRetryTime: 3_000, retries: 5 },
    // KafkaJS logs every reconnect attempt at ERROR; during a broker outage that is expected noise.
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...extra } = entry;
        kafkaLog[LEVELS[level] ?? 'info'](extra, message);
      },
  });
}

/**
 * Delivery is at least once by design (the outbox may resend after a crash; consumers deduplicate by
 * event id), so the producer is not KafkaJS's idempotent one, whose infinite retries would hold the
 * relay's transaction during a broker outage. One request in flight keeps each partition in order
 * across retries; acks=all comes with every send.
 */
export function createProducer(kafka: Kafka) {
  return kafka.producer({
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 3 },
  });
}

/** Every topic of the platform (and its dead-letter topic) under `prefix`. */
export function platformTopics(prefix: string, partitions = 3): ITopicConfig[] {
  return SERVICES.flatMap((service) => {
    const topic = topicOf(service, prefix);
    return [
      { topic, numPartitions: partitions, replicationFactor: -1 },
      { topic: deadLetterTopicOf(topic), numPartitions: 1, replicationFactor: -1 },
    ];
  });
}

/**
 * KafkaJS reports refused topic creations as one "Topic creation errors" whose `errors` carry each
 * topic's reason (e.g. "Topic authorization failed" for a principal without Create): name them.
 */
function explainTopicErrors(error: unknown): never {
  const causes = (error as { errors?: { topic?: string; message?: string }[] }).errors;
  if (!Array.isArray(causes) || causes.length === 0) throw error;
  const reasons = [...new Set(causes.map((cause) => cause.message))].join('; ');
  throw new Error(`${(error as Error).message.trim()}: ${reasons} (${causes.map((cause) => cause.topic).sort().join(', ')})`, { cause: error });
}

/**
 * True when `error` or any error it wraps (KafkaJS's `cause` chain, as NumberOfRetriesExceeded wraps
 * the last attempt's) is one the broker may stop giving by itself: a retriable protocol error such as
 * UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this topic-partition") or LEADER_NOT_AVAILABLE
 * while a restarted broker is still loading its logs, or a lost connection. Refusals (authorization,
 * invalid config) are not.
 */
export function isTransientKafkaError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth += 1) {
    const { name, retriable } = current as Error & { retriable?: boolean };
    if ((name === 'KafkaJSProtocolError' || name === 'KafkaJSConnectionError' || name === 'KafkaJSRequestTimeoutError') && retriable !== false) return true;
  }
  return false;
}

/**
 * Creates the platform's topics that do not exist yet (idempotent); a refusal names the broker's reason
 * and the topics. A broker that has just (re)started on existing data answers UNKNOWN_TOPIC_OR_PARTITION
 * for a while longer than KafkaJS's own retries wait, so transient errors are retried until
 * `deadlineMs` (default 60 000 ms) has passed; `onRetry` hears each retried error.
 */
export async function ensureTopics(
  kafka: Kafka,
  prefix: string,
  partitions = 3,
  options: { deadlineMs?: number; onRetry?: (error: unknown) => void } = {},
): Promise<void> {
  const giveUpAt = Date.now() + (options.deadlineMs ?? 60_000);
  for (;;) {
    try {
      return await createMissingTopics(kafka, prefix, partitions);
    } catch (error) {
      if (!isTransientKafkaError(error) || Date.now() >= giveUpAt) throw error;
      options.onRetry?.(error);
      await delay(1_000);
    }
  }
}

async function createMissingTopics(kafka: Kafka, prefix: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = platformTopics(prefix, partitions).filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true }).catch(explainTopicErrors);
  } finally {
    await admin.disconnect();
  }
}

/** What one service's Kafka principal must be allowed: the topics it writes and reads, the groups it joins. */
export interface KafkaAccess {
  /** Its own event topic (the outbox relay) and the dead-letter topic of every topic it consumes. */
  write: string[];
  read: string[];
  groups: string[];
}

/**
 * The least access a service's client needs, derived as the code uses Kafka: the relay publishes the
 * service's own events to its topic (outbox.ts, `topicOf(owner)`); the consumer group
 * `<prefix><service>` (runtime.ts) reads the topics of the owners of the events it has handlers for
 * (consumer.ts) and dead-letters to `<topic>.dlq` of the topic it read. The prod overlay's KafkaUsers
 * grant exactly this (tests/deploy/kubernetes.test.ts compares them).
 */
export function kafkaAccessOf(service: ServiceName, handled: readonly EventType[], prefix = ''): KafkaAccess {
  const read = [...new Set(handled.map((type) => topicOf(eventCatalog[type].owner, prefix)))].sort();
  return {
    write: [topicOf(service, prefix), ...read.map(deadLetterTopicOf)].sort(),
    read,
    groups: handled.length > 0 ? [consumerGroupOf(service, prefix)] : [],
  };
}

/**
 * The start of every consumer group name the router's entity cache joins (router/src/entity-cache/
 * invalidation.ts appends `<hostname>.<pid>.<random>`): each router process runs its own group so that
 * every replica reads every event, and a restarted process starts afresh at the latest offsets.
 */
export function entityCacheGroupPrefix(prefix = ''): string {
  return `${prefix}router-entity-cache.`;
}

/** What the router's Kafka principal must be allowed (it writes nothing). */
export interface RouterKafkaAccess {
  /** Every service's event topic, never a dead-letter topic: Read and Describe. */
  read: string[];
  /**
   * Read on every group whose name starts with this: a PREFIXED ACL, the one non-literal grant of the
   * platform. The group name is new for each process (hostname, pid, random), so no literal name can
   * be granted ahead; the prefix is the router's alone (no service's group starts with it).
   */
  groupPrefix: string;
  /** The subgraphs' consumer groups whose committed offsets it reads (KafkaJS `admin.fetchOffsets`): Describe. */
  describeGroups: string[];
}

/**
 * The least access the router's entity cache needs, derived as invalidation.ts uses Kafka: its consumer
 * (group `entityCacheGroupPrefix`…) subscribes to `topicOf(service)` of every service; for an effect
 * another service derives (`CacheEffect.after`, kit/events/cache-invalidation.ts) its admin client reads
 * `consumerGroupOf(after)`'s committed offsets on the event's topic. `derivedBy`: those `after`
 * services. Kafka authorizes that read (FindCoordinator, then OffsetFetch) by Describe on the group and
 * on the topic (KIP-11, Kafka's "Authorization and ACLs"), and the topics already have Describe from
 * Read. The prod overlay's `router` KafkaUser grants exactly this (tests/deploy/kubernetes.test.ts).
 */
export function routerKafkaAccess(derivedBy: readonly ServiceName[], prefix = ''): RouterKafkaAccess {
  return {
    read: SERVICES.map((service) => topicOf(service, prefix)).sort(),
    groupPrefix: entityCacheGroupPrefix(prefix),
    describeGroups: [...new Set(derivedBy.map((service) => consumerGroupOf(service, prefix)))].sort(),
  };
}

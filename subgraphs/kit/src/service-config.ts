/** The settings every subgraph reads, with local defaults; each service adds its own to this shape. */
import { accessSync, constants } from 'node:fs';
import { env, type ConfigOf, type ConfigRule } from './config.js';
import { DEV_ROUTER_SECRET } from './router-trust.js';

export const SERVICES = ['users', 'products', 'reviews', 'orders'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const DEFAULT_PORTS: Record<ServiceName | 'router', number> = {
  router: 4000,
  users: 4001,
  products: 4002,
  reviews: 4003,
  orders: 4004,
};

/**
 * Where each process serves /metrics, apart from its public port (`METRICS_PORT`). The router's is
 * Apollo Router's default, 9090; the subgraphs take the next free numbers after 9100 (node-exporter's)
 * rather than 9091-9094, because the local stack's Kafka broker listens on 9092 and 9093.
 */
export const DEFAULT_METRICS_PORTS: Record<ServiceName | 'router', number> = {
  router: 9090,
  users: 9101,
  products: 9102,
  reviews: 9103,
  orders: 9104,
};

/**
 * The secret(s) the router signs subgraph requests with; the first signs, any may verify (rotation).
 * The development default is refused when NODE_ENV=production.
 */
export const routerSecretShape = {
  ROUTER_SHARED_SECRET: env.matching(/^.{16,}$/, DEV_ROUTER_SECRET, 'expected at least 16 characters'),
  ROUTER_SHARED_SECRET_PREVIOUS: env.optionalString(),
};

/** Production must not run with the documented development secret. */
export const productionSecretRule: ConfigRule<{ NODE_ENV: string; ROUTER_SHARED_SECRET: string }> = {
  variable: 'ROUTER_SHARED_SECRET',
  message: 'the development default must not be used when NODE_ENV=production',
  broken: (config) => config.NODE_ENV === 'production' && config.ROUTER_SHARED_SECRET === DEV_ROUTER_SECRET,
};

/**
 * How long a process keeps serving after SIGTERM, with /ready answering 503 and every response
 * closing its connection, before it stops accepting and finishes what is in flight (kit/http.ts,
 * `closeOnSignals`). 0 (the default) stops at once, as `npm start` and the tests want; Kubernetes sets
 * it (deploy/k8s) so load balancers still routing to the pod see it leave before it closes.
 */
export const shutdownShape = {
  SHUTDOWN_DRAIN_MS: env.int(0, { min: 0, max: 120_000 }),
};

/** The SASL mechanisms KafkaJS speaks, as KAFKA_SASL_MECHANISM names them (KafkaJS's own spelling). */
export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;

/**
 * How every Kafka client of the platform reaches the brokers (the subgraphs, the router's consumers, the
 * topics/dlq/reconcile tools): `createKafka` (events/kafka.ts) takes these settings as parsed. No SASL
 * and no TLS unless set, as the local broker and docker-compose run; the prod overlay sets all of them
 * (Strimzi's TLS listener, a SCRAM-SHA-512 KafkaUser per service). The `_FILE` variants name a file
 * holding the value (a mounted Kubernetes Secret), read once when the client is created.
 */
export const kafkaSecurityShape = {
  /** Unset: no SASL authentication. */
  KAFKA_SASL_MECHANISM: env.optionalEnum(KAFKA_SASL_MECHANISMS),
  KAFKA_SASL_USERNAME: env.optionalString(),
  KAFKA_SASL_USERNAME_FILE: env.optionalString(),
  KAFKA_SASL_PASSWORD: env.optionalString(),
  KAFKA_SASL_PASSWORD_FILE: env.optionalString(),
  /** TLS to the brokers; the system's CAs verify them unless KAFKA_SSL_CA_FILE names the CA (PEM). */
  KAFKA_SSL: env.bool(false),
  KAFKA_SSL_CA_FILE: env.optionalString(),
};

/** The brokers and how to reach them, as every Kafka client process reads them. */
export const kafkaClientShape = {
  KAFKA_BROKERS: env.list(['127.0.0.1:9092']),
  ...kafkaSecurityShape,
};

export type KafkaSecuritySettings = ConfigOf<typeof kafkaSecurityShape>;
export type KafkaClientSettings = ConfigOf<typeof kafkaClientShape>;

/** The security settings that are set, as environment variables for a child process (the local stack's). */
export function kafkaSecurityEnv(settings: Partial<KafkaSecuritySettings>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(kafkaSecurityShape).flatMap((name) => {
      const value = settings[name as keyof KafkaSecuritySettings];
      return value === undefined ? [] : [[name, String(value)]];
    }),
  );
}

const given = (settings: Partial<KafkaSecuritySettings>, name: 'USERNAME' | 'PASSWORD') =>
  settings[`KAFKA_SASL_${name}`] !== undefined || settings[`KAFKA_SASL_${name}_FILE`] !== undefined;

/**
 * The combinations of Kafka client settings that cannot work, as config rules (loadConfig stops the
 * process naming the variable): a credential without a mechanism or the reverse, a value given both
 * directly and as a file, a CA without TLS, PLAIN's clear-text password over a connection without TLS.
 */
export const kafkaClientRules: ConfigRule<Partial<KafkaSecuritySettings>>[] = [
  ...(['USERNAME', 'PASSWORD'] as const).flatMap((name): ConfigRule<Partial<KafkaSecuritySettings>>[] => [
    {
      variable: `KAFKA_SASL_${name}`,
      message: `give either KAFKA_SASL_${name} or KAFKA_SASL_${name}_FILE, not both`,
      broken: (s) => s[`KAFKA_SASL_${name}`] !== undefined && s[`KAFKA_SASL_${name}_FILE`] !== undefined,
    },
    {
      variable: `KAFKA_SASL_${name}`,
      message: `required when KAFKA_SASL_MECHANISM is set (or KAFKA_SASL_${name}_FILE)`,
      broken: (s) => s.KAFKA_SASL_MECHANISM !== undefined && !given(s, name),
    },
  ]),
  {
    variable: 'KAFKA_SASL_MECHANISM',
    message: 'required when a SASL username or password is given (scram-sha-512, scram-sha-256 or plain)',
    broken: (s) => s.KAFKA_SASL_MECHANISM === undefined && (given(s, 'USERNAME') || given(s, 'PASSWORD')),
  },
  {
    variable: 'KAFKA_SSL_CA_FILE',
    message: 'given, but KAFKA_SSL is not true',
    broken: (s) => s.KAFKA_SSL_CA_FILE !== undefined && !s.KAFKA_SSL,
  },
  {
    variable: 'KAFKA_SASL_MECHANISM',
    message: 'plain sends the password in clear text: set KAFKA_SSL=true, or use scram-sha-512',
    broken: (s) => s.KAFKA_SASL_MECHANISM === 'plain' && !s.KAFKA_SSL,
  },
];

/** The `VARIABLE: why` line of every kafkaClientRules rule `settings` break (empty: usable). */
export function kafkaSettingsProblems(settings: Partial<KafkaSecuritySettings>): string[] {
  return kafkaClientRules.filter((rule) => rule.broken(settings)).map((rule) => `${rule.variable}: ${rule.message}`);
}

const readable = (file: string | undefined) => {
  if (file === undefined) return true;
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The `_FILE` settings name files this process can read (a Secret not mounted, a wrong path): checked
 * at start, apart from kafkaClientRules so a check of rendered manifests, where the files exist only in
 * the pods, can leave it out.
 */
export const kafkaFileRules: ConfigRule<Partial<KafkaSecuritySettings>>[] = (['KAFKA_SASL_USERNAME_FILE', 'KAFKA_SASL_PASSWORD_FILE', 'KAFKA_SSL_CA_FILE'] as const).map((variable) => ({
  variable,
  message: 'the file it names cannot be read',
  broken: (s) => !readable(s[variable]),
}));

/** Every rule a subgraph's configuration must pass beside its shape. */
export const subgraphConfigRules = [productionSecretRule, ...kafkaClientRules, ...kafkaFileRules] as const;

export function subgraphConfigShape(service: ServiceName) {
  return {
    ...routerSecretShape,
    NODE_ENV: env.nodeEnv(),
    HOST: env.string('127.0.0.1'),
    PORT: env.port(DEFAULT_PORTS[service]),
    /** The port of /metrics (Prometheus), which the public port does not serve. */
    METRICS_PORT: env.port(DEFAULT_METRICS_PORTS[service]),
    LOG_LEVEL: env.logLevel(),
    ...shutdownShape,
    DATABASE_URL: env.postgresUrl(`postgresql://postgres@127.0.0.1:5432/commerce_${service}`),
    DATABASE_POOL_SIZE: env.int(10, { min: 1, max: 200 }),
    /** Connections of the separate pool the outbox relay and the event consumers use. */
    EVENTS_POOL_SIZE: env.int(4, { min: 2, max: 50 }),
    ...kafkaClientShape,
    /** Prepended to every topic and consumer group name (tests isolate suites with it). */
    KAFKA_TOPIC_PREFIX: env.matching(/^[A-Za-z0-9._-]*$/, '', 'letters, digits, dots, dashes, underscores'),
    OUTBOX_POLL_MS: env.int(500, { min: 10, max: 60_000 }),
    /** Attempts to apply an event before it goes to the dead-letter topic. */
    EVENT_MAX_ATTEMPTS: env.int(5, { min: 1, max: 100 }),
    /**
     * How long a read of an event-fed replica (the orders catalog, the reviews' known products) waits
     * for something created a moment ago in another service to arrive.
     */
    REPLICA_WAIT_MS: env.int(3000, { min: 0, max: 30_000 }),
    /** The shop's one currency: prices, totals and spend are all in it. */
    CURRENCY: env.matching(/^[A-Z]{3}$/, 'USD', 'expected an ISO-4217 code such as USD'),
  };
}

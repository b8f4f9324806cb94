/** Settings of the local stack (`npm start`) and the db:* commands; each process adds its own. */
import { env, type ConfigOf } from '@commerce/kit/config';
import { DEFAULT_METRICS_PORTS, kafkaSecurityShape } from '@commerce/kit/service-config';
import type { Ports } from './stack.js';

/** The admin password a development stack uses unless ADMIN_PASSWORD says otherwise. */
export const DEV_ADMIN_PASSWORD = 'admin-password';

export const stackConfigShape = {
  /** production: `npm start` prints no password, even a default one. */
  NODE_ENV: env.nodeEnv(),
  /**
   * Any database URL on the PostgreSQL server to use; the four service databases live next to it.
   * Unset: the local server on 127.0.0.1:5432 if it answers, else an embedded one.
   */
  DATABASE_URL: env.optionalPostgresUrl(),
  EMBEDDED_POSTGRES_PORT: env.port(55432),
  /** The service databases are `<prefix>_users`, `<prefix>_products`, ... */
  DATABASE_NAME_PREFIX: env.matching(/^[a-z_][a-z0-9_]{0,40}$/, 'commerce', 'lower-case letters, digits, underscores'),
  /** Use this broker; unset: `npm start` runs a local one from Maven Central. */
  KAFKA_BROKERS: env.optionalString(),
  /** TLS and SASL for KAFKA_BROKERS (the local broker needs none), passed on to every process. */
  ...kafkaSecurityShape,
  KAFKA_PORT: env.port(9092),
  KAFKA_CONTROLLER_PORT: env.port(9093),
  /** The router's shared store (APQ, rate limits); unset: 127.0.0.1:6379 if it answers, else in process. */
  REDIS_URL: env.optionalString(),
  KAFKA_TOPIC_PREFIX: env.matching(/^[A-Za-z0-9._-]*$/, '', 'letters, digits, dots, dashes, underscores'),
  HOST: env.string('127.0.0.1'),
  ROUTER_PORT: env.port(4000),
  USERS_PORT: env.port(4001),
  PRODUCTS_PORT: env.port(4002),
  REVIEWS_PORT: env.port(4003),
  ORDERS_PORT: env.port(4004),
  /** Where each process serves /metrics (its METRICS_PORT); the ports above serve GraphQL and health only. */
  ROUTER_METRICS_PORT: env.port(DEFAULT_METRICS_PORTS.router),
  USERS_METRICS_PORT: env.port(DEFAULT_METRICS_PORTS.users),
  PRODUCTS_METRICS_PORT: env.port(DEFAULT_METRICS_PORTS.products),
  REVIEWS_METRICS_PORT: env.port(DEFAULT_METRICS_PORTS.reviews),
  ORDERS_METRICS_PORT: env.port(DEFAULT_METRICS_PORTS.orders),
  /** Where `npm start` serves the built storefront. */
  STOREFRONT_PORT: env.port(4005),
  LOG_LEVEL: env.logLevel(),
  /** The admin account the users service ensures at start, and the seed logs in as (dev defaults). */
  ADMIN_EMAIL: env.string('admin@example.com'),
  ADMIN_PASSWORD: env.string(DEV_ADMIN_PASSWORD),
  /** Seed demo data (admin, users, products, reviews, orders) when the catalog is empty. */
  SEED_DEMO_DATA: env.bool(true),
};

/** The public port (`<NAME>_PORT`) and metrics port (`<NAME>_METRICS_PORT`) of each process `npm start` runs. */
export function stackPorts(config: ConfigOf<typeof stackConfigShape>): { ports: Ports; metricsPorts: Ports } {
  return {
    ports: { router: config.ROUTER_PORT, users: config.USERS_PORT, products: config.PRODUCTS_PORT, reviews: config.REVIEWS_PORT, orders: config.ORDERS_PORT },
    metricsPorts: {
      router: config.ROUTER_METRICS_PORT,
      users: config.USERS_METRICS_PORT,
      products: config.PRODUCTS_METRICS_PORT,
      reviews: config.REVIEWS_METRICS_PORT,
      orders: config.ORDERS_METRICS_PORT,
    },
  };
}

/** The ports `npm start` listens on, with the variable that moves each. */
export function listeningPorts(config: ConfigOf<typeof stackConfigShape>): [variable: string, port: number][] {
  return [
    ['ROUTER_PORT', config.ROUTER_PORT],
    ['USERS_PORT', config.USERS_PORT],
    ['PRODUCTS_PORT', config.PRODUCTS_PORT],
    ['REVIEWS_PORT', config.REVIEWS_PORT],
    ['ORDERS_PORT', config.ORDERS_PORT],
    ['STOREFRONT_PORT', config.STOREFRONT_PORT],
    ['ROUTER_METRICS_PORT', config.ROUTER_METRICS_PORT],
    ['USERS_METRICS_PORT', config.USERS_METRICS_PORT],
    ['PRODUCTS_METRICS_PORT', config.PRODUCTS_METRICS_PORT],
    ['REVIEWS_METRICS_PORT', config.REVIEWS_METRICS_PORT],
    ['ORDERS_METRICS_PORT', config.ORDERS_METRICS_PORT],
  ];
}

export const LOCAL_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

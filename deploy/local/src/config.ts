/** Settings of the local stack (`npm start`) and the db:* commands; each process adds its own. */
import { env } from '@commerce/kit/config';

export const stackConfigShape = {
  /** Any database URL on the PostgreSQL server to use; the four service databases live next to it. */
  DATABASE_URL: env.postgresUrl('postgresql://postgres@127.0.0.1:5432/postgres'),
  /** The service databases are `<prefix>_users`, `<prefix>_products`, ... */
  DATABASE_NAME_PREFIX: env.matching(/^[a-z_][a-z0-9_]{0,40}$/, 'commerce', 'lower-case letters, digits, underscores'),
  /** Use this broker; unset: `npm start` runs a local one from Maven Central. */
  KAFKA_BROKERS: env.optionalString(),
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
  LOG_LEVEL: env.logLevel(),
  /** The admin account the users service ensures at start, and the seed logs in as (dev defaults). */
  ADMIN_EMAIL: env.string('admin@example.com'),
  ADMIN_PASSWORD: env.string('admin-password'),
  /** Seed demo data (admin, users, products, reviews, orders) when the catalog is empty. */
  SEED_DEMO_DATA: env.bool(true),
};

import { env, loadConfig, type ConfigOf } from '@commerce/kit/config';
import { subgraphConfigRules, subgraphConfigShape } from '@commerce/kit/service-config';
import { z } from 'zod';

export const configShape = {
  ...subgraphConfigShape('users'),
  /** PKCS#8 PEM of the ES256 signing key; unset: a key is generated once into JWT_KEY_DIR. */
  JWT_PRIVATE_KEY: env.optionalString(),
  /**
   * SPKI PEMs (one or more, concatenated) published in the JWKS beside the signing key's but never used
   * to sign: the next key before a rotation, the previous one after it.
   */
  JWT_PUBLISHED_PUBLIC_KEYS: env.optionalString(),
  JWT_KEY_DIR: env.string('.secrets/jwt'),
  JWT_ISSUER: env.string('commerce-users'),
  JWT_AUDIENCE: env.string('commerce-supergraph'),
  JWT_TTL_SECONDS: env.int(3600, { min: 60, max: 30 * 24 * 3600 }),
  /** The admin account ensured at every start (dev defaults; set both in production). */
  ADMIN_EMAIL: z.preprocess((v) => (v === '' ? undefined : v), z.email().default('admin@example.com')),
  ADMIN_PASSWORD: env.matching(/^.{8,200}$/, 'admin-password', 'expected 8 to 200 characters'),
};

export type Config = ConfigOf<typeof configShape>;

export const loadUsersConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig('users', configShape, source, subgraphConfigRules);

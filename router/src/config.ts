import { env, loadConfig, type ConfigOf } from '@commerce/kit/config';
import { DEFAULT_PORTS, SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { fileURLToPath } from 'node:url';

const defaultSupergraph = fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url));

/** `USERS_URL`, `PRODUCTS_URL`, ...: where each subgraph answers, overriding the supergraph's routing URLs. */
const subgraphUrls = Object.fromEntries(
  SERVICES.map((service) => [`${service.toUpperCase()}_URL`, env.url(`http://127.0.0.1:${DEFAULT_PORTS[service]}/graphql`)]),
) as Record<`${Uppercase<ServiceName>}_URL`, ReturnType<typeof env.url>>;

export const configShape = {
  NODE_ENV: env.nodeEnv(),
  HOST: env.string('127.0.0.1'),
  PORT: env.port(DEFAULT_PORTS.router),
  LOG_LEVEL: env.logLevel(),
  SUPERGRAPH_PATH: env.string(defaultSupergraph),
  ...subgraphUrls,
  /** Where the users service publishes its token signing keys. */
  JWKS_URL: env.url(`http://127.0.0.1:${DEFAULT_PORTS.users}/.well-known/jwks.json`),
  JWT_ISSUER: env.string('commerce-users'),
  JWT_AUDIENCE: env.string('commerce-supergraph'),
  /** Largest accepted request body in bytes (Apollo's router default). */
  MAX_BODY_BYTES: env.int(2_000_000, { min: 1_000 }),
};

export type Config = ConfigOf<typeof configShape>;

export const loadRouterConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig('router', configShape, source);

export function subgraphUrl(config: Config, service: ServiceName): string {
  return config[`${service.toUpperCase() as Uppercase<ServiceName>}_URL`];
}

import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { env, loadConfig, type ConfigOf } from '@commerce/kit/config';
import { DEFAULT_METRICS_PORTS, DEFAULT_PORTS, kafkaClientRules, kafkaClientShape, kafkaFileRules, productionSecretRule, routerSecretShape, shutdownShape } from '@commerce/kit/service-config';

const repoPath = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

/**
 * `SUBGRAPH_URL_OVERRIDES=users=http://users:4001/graphql,products=...`: where named subgraphs answer
 * instead of their `@join__graph(url:)` (Apollo Router's `override_subgraph_url`). Unset or empty: no
 * override, every subgraph is called at the URL the supergraph gives. There is no default on purpose:
 * a default would silently redirect any supergraph whose subgraphs happen to share a name.
 */
const subgraphUrlOverrides = () =>
  z.preprocess(
    (value) => (value === undefined ? '' : value),
    z.string().transform((value, context) => {
      const overrides: Record<string, string> = {};
      for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
        const separator = entry.indexOf('=');
        const name = entry.slice(0, separator).trim();
        const url = entry.slice(separator + 1).trim();
        if (separator <= 0 || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) || !/^https?:$/.test(URL.canParse(url) ? new URL(url).protocol : '')) {
          context.addIssue({ code: 'custom', message: `"${entry}" is not <subgraph>=<http(s) URL>` });
          return z.NEVER;
        }
        if (overrides[name] !== undefined) {
          context.addIssue({ code: 'custom', message: `subgraph "${name}" is overridden twice` });
          return z.NEVER;
        }
        overrides[name] = url;
      }
      return overrides;
    }),
  );

const mode = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) => env.enum(values, fallback);

export const configShape = {
  NODE_ENV: env.nodeEnv(),
  HOST: env.string('127.0.0.1'),
  PORT: env.port(DEFAULT_PORTS.router),
  /** /metrics (Prometheus) is served on this port only, as Apollo Router does (its default too). */
  METRICS_PORT: env.port(DEFAULT_METRICS_PORTS.router),
  LOG_LEVEL: env.logLevel(),
  ...shutdownShape,
  /**
   * The proxies in front of the router (the Ingress controller's pods, a cloud load balancer), as
   * comma-separated addresses or CIDR ranges. Empty (the default): none is trusted, and a client is
   * its socket address. Given: the client is the address X-Forwarded-For names just before the first
   * trusted hop (Fastify's `trustProxy`, proxy-addr), which the anonymous rate limit and the login
   * throttle key on. Trust only what you run: anyone else could write the header.
   */
  TRUSTED_PROXIES: env
    .optionalString()
    .transform((value) => (value ?? '').split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine(isAddressOrRange, 'an IP address or CIDR range (e.g. 10.0.0.0/8)'))),

  // The supergraph, reloaded when the file changes.
  SUPERGRAPH_PATH: env.string(repoPath('schema/supergraph.graphql')),
  SUPERGRAPH_POLL_MS: env.int(1000, { min: 100, max: 60_000 }),
  SUBGRAPH_URL_OVERRIDES: subgraphUrlOverrides(),
  ...routerSecretShape,

  // Authentication: JWTs from the users service, verified against its JWKS.
  JWKS_URL: env.url(`http://127.0.0.1:${DEFAULT_PORTS.users}/.well-known/jwks.json`),
  JWT_ISSUER: env.string('commerce-users'),
  JWT_AUDIENCE: env.string('commerce-supergraph'),
  /** Refuse (401) every request without a valid token. */
  REQUIRE_AUTHENTICATION: env.bool(false),
  /** Any unauthorized field fails the whole request (data: null) instead of being nulled alone. */
  AUTHZ_REJECT_UNAUTHORIZED: env.bool(false),

  // Persisted queries: manifests under PERSISTED_QUERIES_DIR; partners by API key; APQ for first-party clients.
  PERSISTED_QUERIES_DIR: env.string(repoPath('schema/persisted-queries')),
  /** `partner=key,...`; a partner may only run the operations of `<dir>/partners/<partner>.json`. */
  PARTNER_API_KEYS: env.string('acme=dev-acme-key,globex=dev-globex-key'),
  APQ_ENABLED: env.bool(true),
  APQ_TTL_SECONDS: env.int(86_400, { min: 1 }),
  /** Shared by router replicas (APQ cache, rate limits); unset: kept in process, for one replica only. */
  REDIS_URL: env.optionalString(),

  // Request limits (Apollo router names), checked before anything reaches a subgraph.
  LIMITS_MODE: mode(['enforce', 'warn'] as const, 'enforce'),
  MAX_DEPTH: env.int(15, { min: 1 }),
  MAX_HEIGHT: env.int(200, { min: 1 }),
  MAX_ROOT_FIELDS: env.int(20, { min: 1 }),
  MAX_ALIASES: env.int(30, { min: 0 }),
  MAX_DIRECTIVES: env.int(50, { min: 0 }),
  /** Characters of operation text (a long string literal or comment costs the lexer per character). */
  MAX_DOCUMENT_LENGTH: env.int(100_000, { min: 1_000 }),
  MAX_TOKENS: env.int(15_000, { min: 100 }),
  MAX_RECURSION: env.int(500, { min: 10 }),
  /** Field occurrences with fragments expanded (what the gateway plans); enforced even in warn mode. */
  MAX_EXPANDED_FIELDS: env.int(1_000, { min: 10 }),
  // Document shape, checked right after parsing, before graphql-js validation (whose rules grow with these).
  MAX_OPERATIONS: env.int(10, { min: 1 }),
  MAX_FRAGMENTS: env.int(100, { min: 0 }),
  MAX_VARIABLES: env.int(100, { min: 0 }),
  MAX_BODY_BYTES: env.int(2_000_000, { min: 1_000 }),
  /** Object members in a JSON body (counted before JSON.parse, whose cost grows with distinct keys). */
  MAX_JSON_MEMBERS: env.int(10_000, { min: 10 }),

  // Demand control: estimated cost from @cost / @listSize and slicing arguments.
  COST_MODE: mode(['enforce', 'measure'] as const, 'enforce'),
  COST_MAX: env.int(5_000, { min: 1 }),
  COST_DEFAULT_LIST_SIZE: env.int(10, { min: 1 }),
  /** Largest value a slicing argument (`first`, ...) may take; negative or larger is 400 BAD_USER_INPUT. */
  MAX_SLICING_ARGUMENT: env.int(1_000, { min: 1 }),

  // Rate limiting per client (API key, else user, else IP): a sliding window shared through Redis.
  RATE_LIMIT_ENABLED: env.bool(true),
  RATE_LIMIT_MAX: env.int(6_000, { min: 1 }),
  RATE_LIMIT_WINDOW_MS: env.int(60_000, { min: 100 }),

  // Login throttling: failed `logIn`s counted per account and per client address, shared through Redis.
  LOGIN_THROTTLE_ENABLED: env.bool(true),
  /** Failed logins for one account (normalised e-mail) before it is throttled. */
  LOGIN_THROTTLE_ACCOUNT_MAX: env.int(5, { min: 1 }),
  /** Failed logins from one client address (any accounts) before it is throttled. */
  LOGIN_THROTTLE_ADDRESS_MAX: env.int(20, { min: 1 }),
  /** How long failures are remembered without a new one, and the first back-off; each further failure doubles the back-off. */
  LOGIN_THROTTLE_WINDOW_SECONDS: env.int(900, { min: 1 }),
  LOGIN_THROTTLE_BASE_SECONDS: env.int(1, { min: 1 }),
  LOGIN_THROTTLE_MAX_SECONDS: env.int(900, { min: 1 }),
  /** Prefix of the throttle's Redis keys (routers of one deployment share it). */
  LOGIN_THROTTLE_KEY_PREFIX: env.string('login-throttle:'),

  // Traffic shaping and resilience per subgraph.
  ROUTER_TIMEOUT_MS: env.int(30_000, { min: 100 }),
  MAX_CONCURRENT_REQUESTS: env.int(0, { min: 0 }),
  SUBGRAPH_TIMEOUT_MS: env.int(5_000, { min: 50 }),
  SUBGRAPH_RETRIES: env.int(2, { min: 0, max: 10 }),
  /** Retries may add at most this share of extra subgraph requests (a retry budget). */
  RETRY_BUDGET_RATIO: env.ratio(0.2),
  BREAKER_FAILURES: env.int(5, { min: 1 }),
  BREAKER_HALF_OPEN_MS: env.int(5_000, { min: 100 }),
  /** Send identical queries that are in flight at the same time to a subgraph once (Apollo's `deduplicate_query`). */
  SUBGRAPH_DEDUPLICATE: env.bool(true),

  // Entity cache (docs/router.md, "Entity cache"): subgraph answers cached per entity and root field,
  // as the subgraphs' cache hints allow, purged by the domain events read from Kafka.
  /** Off: every fetch goes to its subgraph, and the router joins no Kafka consumer group. */
  ENTITY_CACHE_ENABLED: env.bool(true),
  /** Upper bound on an entry's lifetime, whatever `maxAge` the subgraph's hints allow. */
  ENTITY_CACHE_MAX_TTL_SECONDS: env.int(300, { min: 1, max: 86_400 }),
  /** While invalidation is down (broker unreachable, consumer not fetching): entries older than this are not served, new ones live this long. */
  ENTITY_CACHE_FALLBACK_TTL_SECONDS: env.int(5, { min: 1, max: 3_600 }),
  /** Invalidation counts as down when its consumer has not completed a fetch from the broker for this long. */
  ENTITY_CACHE_OUTAGE_AFTER_MS: env.int(3_000, { min: 500, max: 60_000 }),
  /** Entries kept in this process when Redis is unset or unreachable (an LRU). */
  ENTITY_CACHE_MAX_ENTRIES: env.int(10_000, { min: 1 }),
  /** Bytes each in-process store (the fallback, the near cache) holds at most: keys and JSON text, counted in characters. */
  ENTITY_CACHE_MAX_MEMORY_BYTES: env.int(67_108_864, { min: 1_048_576 }),
  /** Larger entries (serialized JSON) are not cached. */
  ENTITY_CACHE_MAX_ENTRY_BYTES: env.int(262_144, { min: 256 }),
  /** Longest wait for the service that derives a change from an event (its consumer group) before purging anyway. */
  ENTITY_CACHE_DERIVED_WAIT_MS: env.int(10_000, { min: 0, max: 120_000 }),
  /** Prefix of the cache's Redis keys, followed by KAFKA_TOPIC_PREFIX (routers of one deployment share it). */
  ENTITY_CACHE_KEY_PREFIX: env.string('entity-cache:'),
  /** The broker the domain events are read from (with the same TLS/SASL settings as the subgraphs'), and the deployment's topic prefix. */
  ...kafkaClientShape,
  KAFKA_TOPIC_PREFIX: env.matching(/^[A-Za-z0-9._-]*$/, '', 'letters, digits, dots, dashes, underscores'),

  // Hardening.
  /** Comma-separated origins allowed by CORS; `*` allows any (not recommended). */
  CORS_ORIGINS: env.list([
    'http://127.0.0.1:4000',
    'http://localhost:4000',
    'http://127.0.0.1:4005',
    'http://localhost:4005',
    'http://127.0.0.1:5173',
    'http://localhost:5173',
  ]),
  /** Introspection, field suggestions in errors, and the explorer at `/`; default: on except in production. */
  INTROSPECTION: env.optionalBool(),
};

export type Config = ConfigOf<typeof configShape>;

export const loadRouterConfig = (source: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig('router', configShape, source, [productionSecretRule, ...kafkaClientRules, ...kafkaFileRules]);

export function introspectionEnabled(config: Pick<Config, 'INTROSPECTION' | 'NODE_ENV'>): boolean {
  return config.INTROSPECTION ?? config.NODE_ENV !== 'production';
}

/** An IPv4/IPv6 address, or one with a /prefix of a valid length. */
function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

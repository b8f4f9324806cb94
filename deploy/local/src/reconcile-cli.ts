/** The `npm run reconcile` command (see reconcile.ts). Exit 0: no drift, or drift fixed; 3: drift left. */
import pg from 'pg';
import { parseCommand, runCli } from '@commerce/kit/cli';
import { env, parseConfig } from '@commerce/kit/config';
import { kafkaClientRules, kafkaFileRules, SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { LOCAL_POSTGRES_URL, stackConfigShape } from './config.js';
import { databaseUrl, serviceDatabaseNames } from './postgres.js';
import { eventsInFlight, reconcile, type Pools } from './reconcile.js';

const shape = {
  ...stackConfigShape,
  /** Per-service overrides, e.g. in Kubernetes where each database has its own URL. */
  USERS_DATABASE_URL: env.optionalPostgresUrl(),
  PRODUCTS_DATABASE_URL: env.optionalPostgresUrl(),
  REVIEWS_DATABASE_URL: env.optionalPostgresUrl(),
  ORDERS_DATABASE_URL: env.optionalPostgresUrl(),
};

const spec = {
  command: 'npm run reconcile',
  summary:
    'Rebuilds every denormalized field (review counts, ratings, order counts and spend, replicas) from its source of truth and reports the drift, field by field; ' +
    'a dry run unless --fix.',
  options: {
    fix: { type: 'boolean', default: false, description: 'write the recomputed values (refused while events are in flight)' },
    force: { type: 'boolean', default: false, description: 'with --fix: fix even while events are in flight' },
  },
  environment: [
    ['DATABASE_URL', 'the PostgreSQL server of the service databases (default postgresql://postgres@127.0.0.1:5432/postgres)'],
    ['DATABASE_NAME_PREFIX', 'databases are <prefix>_<service> (default commerce)'],
    ['<SERVICE>_DATABASE_URL', "one service's database, used as it is (USERS_DATABASE_URL ...)"],
    ['KAFKA_BROKERS', 'brokers whose consumer lag --fix checks first (default: none, no check)'],
    ['KAFKA_TOPIC_PREFIX', 'prefix of every topic name (default none)'],
    ['KAFKA_SSL, KAFKA_SASL_*', 'TLS and SASL to the brokers, as the services take them (default none)'],
  ],
  exitCodes: { 1: 'a bad variable, or a database failed', 3: 'drift found and left (dry run)', 4: '--fix refused: events in flight' },
} as const;

async function main(fix: boolean, force: boolean): Promise<number> {
  const config = parseConfig(shape, process.env, [...kafkaClientRules, ...kafkaFileRules]);
  const names = serviceDatabaseNames(config.DATABASE_NAME_PREFIX);
  const urlOf = (service: ServiceName) =>
    config[`${service.toUpperCase() as Uppercase<ServiceName>}_DATABASE_URL`] ?? databaseUrl(config.DATABASE_URL ?? LOCAL_POSTGRES_URL, names[service]);
  const pools = Object.fromEntries(SERVICES.map((s) => [s, new pg.Pool({ connectionString: urlOf(s), max: 2 })])) as Pools;
  try {
    if (fix && !force) {
      const brokers = config.KAFKA_BROKERS ? { ...config, KAFKA_BROKERS: config.KAFKA_BROKERS.split(',') } : null;
      const busy = await eventsInFlight(pools, brokers, config.KAFKA_TOPIC_PREFIX);
      if (busy.length > 0) {
        console.error(`Not fixing while events are in flight (they would be counted twice):\n  ${busy.join('\n  ')}\nRetry when they have drained, or pass --force.`);
        return 4;
      }
    }
    const reports = await reconcile(pools, { fix });
    const width = Math.max(...reports.map((r) => r.field.length));
    console.log(`Reconcile (${fix ? 'fix' : 'dry run'}): denormalized fields rebuilt from their sources of truth`);
    for (const report of reports) {
      const verdict = report.drifted === 0 ? 'ok' : `${report.drifted} drifted${report.fixed ? ', fixed' : ''}`;
      console.log(`  ${report.field.padEnd(width)}  ${verdict}`);
      for (const example of report.examples) {
        console.log(`      ${example.id}: ${JSON.stringify(example.actual)} -> ${JSON.stringify(example.expected)}`);
      }
    }
    const drifted = reports.reduce((sum, r) => sum + r.drifted, 0);
    console.log(drifted === 0 ? 'No drift.' : fix ? `Fixed ${drifted} value(s).` : `${drifted} value(s) drifted; run with --fix to repair.`);
    // The fixes are SQL behind the services' backs: no domain event says so, so the router's entity cache
    // keeps serving what it holds (at most ENTITY_CACHE_MAX_TTL_SECONDS) until the operator purges it.
    const fixedTypes = [...new Set(reports.filter((r) => r.fixed && r.drifted > 0).flatMap((r) => /^([A-Z]\w*)\./.exec(r.field)?.[1] ?? []))].sort();
    for (const type of fixedTypes) {
      console.log(`Purge the router's entity cache: POST /admin/entity-cache/purge {"type":"${type}"} with an admin token (docs/router.md, "Entity cache").`);
    }
    return drifted > 0 && !fix ? 3 : 0;
  } finally {
    await Promise.all(Object.values(pools).map((pool) => pool.end()));
  }
}

const { values } = parseCommand(spec);
runCli(spec, () => main(values.fix, values.force));

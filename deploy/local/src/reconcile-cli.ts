/** The `npm run reconcile` command (see reconcile.ts). Exit 0: no drift, or drift fixed; 3: drift left. */
import pg from 'pg';
import { env, parseConfig, ConfigError } from '@commerce/kit/config';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
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

async function main(args: string[]): Promise<number> {
  const fix = args.includes('--fix');
  const force = args.includes('--force');
  const config = parseConfig(shape);
  const names = serviceDatabaseNames(config.DATABASE_NAME_PREFIX);
  const urlOf = (service: ServiceName) =>
    config[`${service.toUpperCase() as Uppercase<ServiceName>}_DATABASE_URL`] ?? databaseUrl(config.DATABASE_URL ?? LOCAL_POSTGRES_URL, names[service]);
  const pools = Object.fromEntries(SERVICES.map((s) => [s, new pg.Pool({ connectionString: urlOf(s), max: 2 })])) as Pools;
  try {
    if (fix && !force) {
      const brokers = config.KAFKA_BROKERS ? config.KAFKA_BROKERS.split(',') : null;
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
    return drifted > 0 && !fix ? 3 : 0;
  } finally {
    await Promise.all(Object.values(pools).map((pool) => pool.end()));
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

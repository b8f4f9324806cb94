/**
 * `npm run db:<command>`: the Prisma toolchain for the four service schemas.
 *
 *   db:generate                      Prisma 7 clients for every service (also run by npm ci)
 *   db:migrate [service]             apply pending migrations
 *   db:status [service]              migration status of each database
 *   db:migration:new <service> <name>  write a new migration from the schema change
 *   db:check                         fail if any schema has changes no migration covers
 *
 * Databases: `<DATABASE_NAME_PREFIX>_<service>` on the server DATABASE_URL points at (defaults:
 * commerce, postgresql://postgres@127.0.0.1:5432/postgres), created when missing. Where each service
 * has a database of its own elsewhere (containers, Kubernetes), `<SERVICE>_DATABASE_URL` names it
 * exactly (USERS_DATABASE_URL, ...) and is used as it is: such databases are provisioned by their
 * owner, so nothing is created. The service is named positionally or by `--service <name>`, which is
 * how the one-shot migration jobs call it:
 *
 *   node --import tsx deploy/local/src/prisma-cli.ts migrate --service users
 */
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { env, parseConfig, ConfigError } from '@commerce/kit/config';
import { databaseUrl, ensureDatabases, serviceDatabaseNames } from './postgres.js';
import { generateClients, migrateDatabase, migrationStatus, migrationsMatchSchema, newMigration } from './migrations.js';
import { LOCAL_POSTGRES_URL, stackConfigShape } from './config.js';

function services(arg: string | undefined): ServiceName[] {
  if (!arg) return [...SERVICES];
  if (!(SERVICES as readonly string[]).includes(arg)) throw new Error(`unknown service "${arg}" (one of ${SERVICES.join(', ')})`);
  return [arg as ServiceName];
}

const configShape = {
  ...stackConfigShape,
  ...Object.fromEntries(SERVICES.map((service) => [`${service.toUpperCase()}_DATABASE_URL`, env.optionalPostgresUrl()])),
} as typeof stackConfigShape & Record<`${Uppercase<ServiceName>}_DATABASE_URL`, ReturnType<typeof env.optionalPostgresUrl>>;

/** `--service users` and a bare `users` mean the same; flags other than --service are refused. */
function parseArgs(args: string[]): string[] {
  const positional: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--service') positional.unshift(args[(i += 1)] ?? '');
    else if (arg.startsWith('--service=')) positional.unshift(arg.slice('--service='.length));
    else if (arg.startsWith('--')) throw new Error(`unknown option "${arg}"`);
    else positional.push(arg);
  }
  return positional;
}

async function main([command, ...rest]: string[]): Promise<void> {
  if (command === 'generate') {
    await generateClients();
    console.log(`generated Prisma clients for ${SERVICES.join(', ')}`);
    return;
  }
  const args = parseArgs(rest);
  const config = parseConfig(configShape);
  const names = serviceDatabaseNames(config.DATABASE_NAME_PREFIX);
  const serverUrl = config.DATABASE_URL ?? LOCAL_POSTGRES_URL;
  const ownUrl = (service: ServiceName) => config[`${service.toUpperCase() as Uppercase<ServiceName>}_DATABASE_URL`];
  const urlOf = (service: ServiceName) => ownUrl(service) ?? databaseUrl(serverUrl, names[service]);
  // Every command below connects (even a diff from the history does, to make its shadow database).
  const onServer = (command === 'migrate' || command === 'status' ? services(args[0]) : [...SERVICES]).filter((service) => !ownUrl(service));
  if (onServer.length > 0) await ensureDatabases(serverUrl, onServer.map((service) => names[service]));

  switch (command) {
    case 'migrate': {
      for (const service of services(args[0])) {
        const output = await migrateDatabase(service, urlOf(service));
        console.log(`${service}: ${/No pending migrations/.test(output) ? 'up to date' : 'migrated'}`);
      }
      return;
    }
    case 'status':
      for (const service of services(args[0])) console.log(`--- ${service}\n${(await migrationStatus(service, urlOf(service))).trim()}`);
      return;
    case 'migration:new': {
      const [service, name] = args;
      if (!service || !name) throw new Error('usage: npm run db:migration:new -- <service> <name>');
      const dir = await newMigration(services(service)[0] as ServiceName, name, urlOf(service as ServiceName));
      console.log(dir ? `wrote ${dir}/migration.sql` : `${service}: schema and migrations already match; nothing written`);
      return;
    }
    case 'check': {
      let missing = 0;
      for (const service of SERVICES) {
        const ok = await migrationsMatchSchema(service, urlOf(service));
        console.log(`${service}: ${ok ? 'migrations match the schema' : 'the schema has changes no migration covers'}`);
        if (!ok) missing += 1;
      }
      if (missing > 0) {
        console.error('Run `npm run db:migration:new -- <service> <name>` and commit the migration.');
        process.exitCode = 1;
      }
      return;
    }
    default:
      throw new Error(`unknown command "${command}": generate, migrate, status, migration:new or check`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error);
  process.exit(1);
});

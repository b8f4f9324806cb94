/**
 * `npm run db:<command>`: the Prisma toolchain for the four service schemas.
 *
 *   db:generate                      Prisma 7 clients for every service (also run by npm ci)
 *   db:migrate [service]             apply pending migrations
 *   db:status [service]              migration status of each database
 *   db:migration:new <service> <name>  write a new migration from the schema change
 *   db:check                         fail if any schema has changes no migration covers
 *   gate --service <s> [--wait <s>]  exit 0 once the schema this release needs is present (the
 *                                    Kubernetes init container; migration-gate.ts)
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
import { parseCommand, refuse, runCli, type CommandSpec, type CliOption } from '@commerce/kit/cli';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { env, parseConfig } from '@commerce/kit/config';
import { databaseUrl, ensureDatabases, serviceDatabaseNames } from './postgres.js';
import { generateClients, migrateDatabase, migrationStatus, migrationsMatchSchema, newMigration } from './migrations.js';
import { LOCAL_POSTGRES_URL, stackConfigShape } from './config.js';
import { step } from './progress.js';
import { checkMigrationGate, describeVerdict, shippedMigrations } from './migration-gate.js';

const DATABASE_ENVIRONMENT: Array<[string, string]> = [
  ['DATABASE_URL', 'the PostgreSQL server of the service databases (default postgresql://postgres@127.0.0.1:5432/postgres)'],
  ['DATABASE_NAME_PREFIX', 'databases are <prefix>_<service>, created when missing (default commerce)'],
  ['<SERVICE>_DATABASE_URL', "one service's own database, used as it is, never created (USERS_DATABASE_URL ...)"],
];
const serviceOption = { service: { type: 'string', valueName: '<service>', description: `only this service (${SERVICES.join(', ')}); same as the positional` } } as const;
const FAILED = 'a bad variable, or PostgreSQL / Prisma failed';

type Command = 'generate' | 'migrate' | 'status' | 'migration:new' | 'check' | 'gate';
const SPECS: Record<Command, CommandSpec<Record<string, CliOption>>> = {
  generate: { command: 'npm run db:generate', summary: 'Generates the Prisma 7 client of every service (npm ci runs it too).', options: {}, exitCodes: { 1: 'Prisma failed' } },
  migrate: { command: 'npm run db:migrate', summary: 'Applies pending migrations to each service database.', positionals: '[<service>]', options: serviceOption, environment: DATABASE_ENVIRONMENT, exitCodes: { 1: FAILED } },
  status: { command: 'npm run db:status', summary: 'Prints the migration status of each service database.', positionals: '[<service>]', options: serviceOption, environment: DATABASE_ENVIRONMENT, exitCodes: { 1: FAILED } },
  'migration:new': {
    command: 'npm run db:migration:new',
    summary: "Writes a new migration from the difference between a service's schema.prisma and its migrations.",
    positionals: '<service> <name>',
    options: {},
    environment: DATABASE_ENVIRONMENT,
    exitCodes: { 1: FAILED },
  },
  gate: {
    command: 'node --import tsx deploy/local/src/prisma-cli.ts gate',
    summary:
      "Exits 0 once every migration this release ships is applied and finished in the service's database; rows of newer migrations (running, failed) are ignored. Never migrates, never creates a database.",
    positionals: '[<service>]',
    options: {
      ...serviceOption,
      wait: { type: 'string', valueName: '<seconds>', default: '0', description: 'keep checking for this long (every 5 s, riding out connection errors) before giving up' },
    },
    environment: DATABASE_ENVIRONMENT,
    exitCodes: { 1: 'the schema is still not there when the wait ends, or a bad variable' },
  },
  check: { command: 'npm run db:check', summary: 'Fails when any service schema has changes no migration covers (CI).', options: {}, environment: DATABASE_ENVIRONMENT, exitCodes: { 1: 'a schema has uncovered changes, or PostgreSQL / Prisma failed' } },
};
const ANY: CommandSpec<Record<string, CliOption>> = {
  command: 'node --import tsx deploy/local/src/prisma-cli.ts',
  summary: 'The Prisma toolchain: one of generate, migrate, status, migration:new, check (the npm run db:<command> scripts), gate.',
  positionals: '<command> ...',
  options: {},
  exitCodes: { 1: FAILED },
};

function services(spec: CommandSpec<Record<string, CliOption>>, arg: string | undefined): ServiceName[] {
  if (!arg) return [...SERVICES];
  if (!(SERVICES as readonly string[]).includes(arg)) refuse(spec, `unknown service "${arg}" (one of ${SERVICES.join(', ')})`);
  return [arg as ServiceName];
}

const configShape = {
  ...stackConfigShape,
  ...Object.fromEntries(SERVICES.map((service) => [`${service.toUpperCase()}_DATABASE_URL`, env.optionalPostgresUrl()])),
} as typeof stackConfigShape & Record<`${Uppercase<ServiceName>}_DATABASE_URL`, ReturnType<typeof env.optionalPostgresUrl>>;

const [command, ...rest] = process.argv.slice(2);
if (!command || !(command in SPECS)) refuse(ANY, command ? `unknown command "${command}"` : 'a command is required');
const spec = SPECS[command as Command];
const { values, positionals } = parseCommand(spec, rest);
// `--service users` and a bare `users` mean the same (the one-shot migration jobs use the flag).
const args = typeof values.service === 'string' ? [values.service, ...positionals] : positionals;
const maxPositionals = command === 'migration:new' ? 2 : command === 'migrate' || command === 'status' || command === 'gate' ? 1 : 0;
if (args.length > maxPositionals) refuse(spec, `unexpected argument "${args[maxPositionals]}"`);
if (command === 'migration:new' && args.length < 2) refuse(spec, 'a service and a migration name are required');
const selected = services(spec, args[0]);
if (command === 'gate' && args.length !== 1) refuse(spec, 'the gate checks one service: name it');
const waitSeconds = Number(values.wait ?? 0);
if (!Number.isInteger(waitSeconds) || waitSeconds < 0) refuse(spec, `--wait must be a whole number of seconds, got "${String(values.wait)}"`);

runCli(spec, () => main(command as Command));

async function main(command: Command): Promise<number> {
  if (command === 'generate') {
    await generateClients();
    console.log(`generated Prisma clients for ${SERVICES.join(', ')}`);
    return 0;
  }
  const config = parseConfig(configShape);
  const names = serviceDatabaseNames(config.DATABASE_NAME_PREFIX);
  const serverUrl = config.DATABASE_URL ?? LOCAL_POSTGRES_URL;
  const ownUrl = (service: ServiceName) => config[`${service.toUpperCase() as Uppercase<ServiceName>}_DATABASE_URL`];
  const urlOf = (service: ServiceName) => ownUrl(service) ?? databaseUrl(serverUrl, names[service]);
  // Every command below connects (even a diff from the history does, to make its shadow database).
  // ... except the gate, which only reads: it runs before a pod serves and must never create anything.
  const onServer = command === 'gate' ? [] : (command === 'check' ? [...SERVICES] : selected).filter((service) => !ownUrl(service));
  if (onServer.length > 0) await ensureDatabases(serverUrl, onServer.map((service) => names[service]));

  switch (command) {
    case 'migrate': {
      for (const service of selected) {
        const output = await migrateDatabase(service, urlOf(service));
        console.log(`${service}: ${/No pending migrations/.test(output) ? 'up to date' : 'migrated'}`);
      }
      return 0;
    }
    case 'status':
      for (const service of selected) console.log(`--- ${service}\n${(await migrationStatus(service, urlOf(service))).trim()}`);
      return 0;
    case 'migration:new': {
      const [service, name] = [selected[0] as ServiceName, args[1] as string];
      const dir = await newMigration(service, name, urlOf(service));
      console.log(dir ? `wrote ${dir}/migration.sql` : `${service}: schema and migrations already match; nothing written`);
      return 0;
    }
    case 'gate':
      return gate(selected[0] as ServiceName, urlOf(selected[0] as ServiceName));
    case 'check': {
      let missing = 0;
      console.log(`comparing ${SERVICES.length} schemas with their migrations (each history is replayed in a shadow database, about 10 s per service)`);
      for (const service of SERVICES) {
        const ok = await step(console.log, service, () => migrationsMatchSchema(service, urlOf(service)), (match) =>
          `${service}: ${match ? 'migrations match the schema' : 'the schema has changes no migration covers'}`,
        );
        if (!ok) missing += 1;
      }
      if (missing > 0) console.error('Run `npm run db:migration:new -- <service> <name>` and commit the migration.');
      return missing > 0 ? 1 : 0;
    }
  }
}

const GATE_INTERVAL_MS = 5_000;

/** Checks until the gate passes or `waitSeconds` ran out; each check's verdict (or error) is logged. */
async function gate(service: ServiceName, url: string): Promise<number> {
  const shipped = shippedMigrations(service);
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      const verdict = await checkMigrationGate(url, shipped);
      console.log(describeVerdict(service, verdict));
      if (verdict.ready) return 0;
    } catch (error) {
      console.log(`${service}: the database does not answer yet (${(error as Error).message})`);
    }
    if (Date.now() + GATE_INTERVAL_MS > deadline) return 1;
    await new Promise((resolve) => setTimeout(resolve, GATE_INTERVAL_MS));
  }
}

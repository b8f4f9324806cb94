/**
 * Prisma 6.19 config, used only to run migrations through Prisma 6's WebAssembly schema engine
 * (`engine: "js"` with the pg driver adapter), because Prisma 7's migrate needs a native engine that
 * cannot be downloaded here. Not named prisma.config.ts, so Prisma 7 never picks it up. Run it through
 * `npm run db:*` (deploy/local/src/prisma-cli.ts), which sets PRISMA_SERVICE, DATABASE_URL and the cwd.
 *
 * Each workaround below is one of the snags measured in PRISMA-OFFLINE.md; they patch process-wide
 * things, which is fine for this short-lived CLI and is why application code never imports this file.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { defineConfig } from 'prisma6/config';

const root = process.cwd();
const service = process.env.PRISMA_SERVICE ?? '';
if (!/^[a-z0-9_-]+$/.test(service)) throw new Error('PRISMA_SERVICE must name a folder under prisma/ (e.g. users)');
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is not set');

// With no generator block Prisma 6 would assume the "library" engine and try to download it.
process.env.PRISMA_CLIENT_ENGINE_TYPE = 'client';

// Prisma 7 schemas carry no datasource url and Prisma 6 requires one: migrate from a derived copy with
// the url added and the generator removed, so Prisma 6 can never overwrite the Prisma 7 client.
const source = readFileSync(path.join(root, 'prisma', service, 'schema.prisma'), 'utf8');
const derived = source
  .replace(/^generator\s+\w+\s*\{[^}]*\}\s*$/gm, '')
  .replace(/^(datasource\s+\w+\s*\{)/m, '$1\n  url = env("DATABASE_URL")');
const derivedPath = path.join(root, '.cache', 'prisma6', service, 'schema.prisma');
mkdirSync(path.dirname(derivedPath), { recursive: true });
writeFileSync(derivedPath, `// Derived from prisma/${service}/schema.prisma for Prisma 6 migrations; do not edit.\n${derived}`);

// The schema engine reads catalog columns of type name (oid 19) and "char" (oid 18), which the pg
// adapter cannot deserialize (prisma/prisma#27403): report them as text (oid 25).
const resultProto = pg.Result.prototype as unknown as { addFields(fields: pg.FieldDef[]): void };
const addFields = resultProto.addFields;
resultProto.addFields = function (fields) {
  return addFields.call(this, fields.map((f) => (f.dataTypeID === 19 || f.dataTypeID === 18 ? { ...f, dataTypeID: 25 } : f)));
};

// The WASM engine arms a 10 s advisory-lock timer it never clears; unref timers armed from WASM so
// the CLI exits as soon as it is done.
const setTimeoutOriginal = globalThis.setTimeout;
globalThis.setTimeout = function (...args: Parameters<typeof setTimeout>) {
  const timer = setTimeoutOriginal(...args);
  if (new Error().stack?.includes('wasm://')) timer.unref();
  return timer;
} as typeof setTimeout;

// Separate connection fields: built from a URL, pg would let the URL's database win over the shadow one.
const url = new URL(databaseUrl);
const pgConfig = (database: string): pg.PoolConfig => ({
  host: url.hostname,
  port: Number(url.port || 5432),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
  database,
  allowExitOnIdle: true,
});
const mainDatabase = decodeURIComponent(url.pathname.slice(1));

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client(pgConfig(mainDatabase));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// The adapter splits scripts on every ';', even inside string literals; run each migration whole, as
// one simple query (one implicit transaction), as the native engine does.
type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;
function wholeScripts(adapter: PgAdapter): PgAdapter {
  const pool = adapter.underlyingDriver();
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (error) {
      (adapter as unknown as { onError(e: unknown): never }).onError(error);
    }
  };
  return adapter;
}

class MigratePg extends PrismaPg {
  override async connect() {
    return wholeScripts(await super.connect());
  }

  // The shadow database is dropped only after its pool closed, and WITH (FORCE).
  override async connectToShadowDb() {
    const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll('-', '')}`;
    await adminQuery(`CREATE DATABASE "${name}"`);
    const adapter = wholeScripts(await new PrismaPg(pgConfig(name)).connect());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    };
    return adapter;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: derivedPath,
  migrations: { path: path.join(root, 'prisma', service, 'migrations') },
  adapter: async () => new MigratePg(pgConfig(mainDatabase)),
});

/**
 * The migration gate a subgraph pod passes before it serves (`prisma-cli.ts gate`, the
 * `wait-for-migrations` init container of deploy/k8s): is the schema THIS release needs present?
 *
 * It reads Prisma's own ledger, the `_prisma_migrations` table `prisma migrate deploy` writes (one row
 * per attempt: `finished_at` set once applied, `rolled_back_at` set by `prisma migrate resolve
 * --rolled-back`), and asks one question of it: has every migration folder this release ships under
 * prisma/<service>/migrations been applied, finished, not rolled back, with the SQL this release
 * ships (Prisma's checksum: the SHA-256 of migration.sql)? Rows the release does not know — a newer
 * release's migration still running, finished, or failed — are reported and ignored: migrations are
 * expand/contract (README, "Changing a subgraph schema"), so a newer schema still serves this
 * release, and a newer release's failed migration must never stop the running release from replacing
 * or adding pods. `prisma migrate status` (the previous gate) fails on any such row.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { ServiceName } from '@commerce/kit/service-config';
import { repoRoot } from './paths.js';

/** One migration folder of a release: its name (the `_prisma_migrations.migration_name`) and checksum. */
export interface ShippedMigration {
  name: string;
  /** Hex SHA-256 of migration.sql, as Prisma stores it in `_prisma_migrations.checksum`. */
  checksum: string;
}

/** What the gate found. `ready` is the verdict; the lists say why (each sorted by name). */
export interface GateVerdict {
  ready: boolean;
  /** Shipped migrations with no finished, not-rolled-back row: the schema this release needs is not there yet. */
  missing: string[];
  /** Shipped migrations applied with different SQL than this release ships (an edited migration). */
  changed: string[];
  /** Rows of migrations this release does not ship (a newer release's), whatever their state: ignored. */
  unknown: string[];
}

/** The migration folders this release ships for `service`, in apply order (folder names sort by timestamp). */
export function shippedMigrations(service: ServiceName, root = repoRoot): ShippedMigration[] {
  const dir = path.join(root, 'prisma', service, 'migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, checksum: createHash('sha256').update(readFileSync(path.join(dir, name, 'migration.sql'))).digest('hex') }));
}

interface LedgerRow {
  migration_name: string;
  checksum: string;
  applied: boolean;
}

/**
 * Judges the database at `databaseUrl` against `shipped`. A database without the ledger table (never
 * migrated) has every shipped migration missing. Connection and query errors reject: the caller
 * decides whether to wait (the database may still be starting).
 */
export async function checkMigrationGate(databaseUrl: string, shipped: readonly ShippedMigration[]): Promise<GateVerdict> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000, application_name: 'migration-gate' });
  await client.connect();
  let rows: LedgerRow[];
  try {
    const { rows: table } = await client.query<{ present: boolean }>("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present");
    rows = table[0]?.present
      ? (
          await client.query<LedgerRow>(
            'SELECT migration_name, checksum, (finished_at IS NOT NULL AND rolled_back_at IS NULL) AS applied FROM _prisma_migrations',
          )
        ).rows
      : [];
  } finally {
    await client.end();
  }
  return judge(rows, shipped);
}

/** The verdict over the ledger's rows (pure; exported for the unit test). */
export function judge(rows: readonly LedgerRow[], shipped: readonly ShippedMigration[]): GateVerdict {
  const names = new Set(shipped.map((m) => m.name));
  const missing: string[] = [];
  const changed: string[] = [];
  for (const migration of shipped) {
    const applied = rows.filter((row) => row.migration_name === migration.name && row.applied);
    if (applied.length === 0) missing.push(migration.name);
    else if (!applied.some((row) => row.checksum === migration.checksum)) changed.push(migration.name);
  }
  const unknown = [...new Set(rows.map((row) => row.migration_name).filter((name) => !names.has(name)))].sort();
  return { ready: missing.length === 0 && changed.length === 0, missing, changed, unknown };
}

/** One line for the pod's log: the verdict and its reasons. */
export function describeVerdict(service: ServiceName, verdict: GateVerdict): string {
  const parts = [
    verdict.ready ? `${service}: the schema this release needs is present` : `${service}: waiting for this release's migrations`,
    verdict.missing.length > 0 ? `not applied: ${verdict.missing.join(', ')}` : '',
    verdict.changed.length > 0 ? `applied with other SQL than this release ships: ${verdict.changed.join(', ')}` : '',
    verdict.unknown.length > 0 ? `ignored (not this release's): ${verdict.unknown.join(', ')}` : '',
  ];
  return parts.filter(Boolean).join('; ');
}

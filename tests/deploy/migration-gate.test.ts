import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migrateDatabase } from '@commerce/stack/migrations';
import { shippedMigrations } from '@commerce/stack/migration-gate';
import { repoRoot } from '@commerce/stack/paths';
import { databaseUrl, dropDatabases, ensureDatabases } from '@commerce/stack/postgres';
import { renderOverlay, type Workload } from './support/kubernetes.js';

/**
 * The `wait-for-migrations` init container of each subgraph, exactly as the prod overlay renders it
 * (the image's ENTRYPOINT `node --import tsx` plus the container's args), run against a scratch
 * database in each state a rollout meets. Only `--wait` is shortened (0 s: one check), so a refusal
 * answers at once instead of after the pod's ten minutes.
 */
const SERVER_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const PREFIX = process.env.TEST_DATABASE_PREFIX ?? 'commerce_test';
const SERVICE = 'users';
const scratch = `${PREFIX}_gate_${process.pid}`;
const url = databaseUrl(SERVER_URL, scratch);
const NEXT = '29991231000000_next_release';

let gateArgs: string[];
let gateEnvName: string;

function runGate(): Promise<{ code: number; output: string }> {
  const args = gateArgs.map((arg, i) => (gateArgs[i - 1] === '--wait' ? '0' : arg));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', ...args],
      { cwd: repoRoot, env: { PATH: process.env.PATH, [gateEnvName]: url }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

async function sql(text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** A row as `prisma migrate deploy` leaves it: `finished` false is a migration running, or one that failed. */
async function ledgerRow(name: string, state: { finished: boolean; failed?: boolean }): Promise<void> {
  await sql(
    `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, logs, applied_steps_count)
     VALUES (gen_random_uuid()::text, repeat('0', 64), $1, now(), CASE WHEN $2 THEN now() END, $3, CASE WHEN $2 THEN 1 ELSE 0 END)`,
    [name, state.finished, state.failed ? 'ERROR: column "x" already exists' : null],
  );
}

beforeAll(async () => {
  const objects = await renderOverlay('prod');
  const users = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === SERVICE) as Workload;
  const gate = users.spec.template.spec!.initContainers!.find((c) => c.name === 'wait-for-migrations')!;
  expect(gate.command, 'the image ENTRYPOINT (node --import tsx) runs the args').toBeUndefined();
  gateArgs = gate.args!;
  gateEnvName = gate.env!.find((e) => e.name.endsWith('_DATABASE_URL'))!.name;
  await dropDatabases(SERVER_URL, [scratch]);
  await ensureDatabases(SERVER_URL, [scratch]);
}, 120_000);

afterAll(async () => {
  await dropDatabases(SERVER_URL, [scratch]);
});

describe('the subgraph pods’ migration gate (prisma-cli.ts gate), as rendered, on a real database', () => {
  it('is the gate subcommand for its own service, with a wait', () => {
    expect(gateArgs.slice(0, 4)).toEqual(['deploy/local/src/prisma-cli.ts', 'gate', '--service', SERVICE]);
    expect(gateEnvName).toBe('USERS_DATABASE_URL');
    expect(Number(gateArgs[gateArgs.indexOf('--wait') + 1])).toBeGreaterThan(0);
  });

  it('holds a pod while the database has none of the migrations', async () => {
    const { code, output } = await runGate();
    console.log(`none: exit ${code}: ${output.trim()}`);
    expect(code).toBe(1);
    expect(output).toContain('not applied');
  });

  it('holds a pod while the database is a release older (the newest shipped migration not applied)', async () => {
    await migrateDatabase(SERVICE, url);
    const newest = shippedMigrations(SERVICE).at(-1)!.name;
    await sql('DELETE FROM _prisma_migrations WHERE migration_name = $1', [newest]);
    const { code, output } = await runGate();
    console.log(`older: exit ${code}: ${output.trim()}`);
    expect(code).toBe(1);
    expect(output).toContain(`not applied: ${newest}`);
    // Back to the current release: a fresh database, migrated as its migration Job would.
    await dropDatabases(SERVER_URL, [scratch]);
    await ensureDatabases(SERVER_URL, [scratch]);
    await migrateDatabase(SERVICE, url);
    expect((await runGate()).code, 'current').toBe(0);
  }, 120_000);

  it('holds a pod when this release’s own migration failed', async () => {
    const newest = shippedMigrations(SERVICE).at(-1)!.name;
    await sql('UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = $1', [newest]);
    const { code } = await runGate();
    expect(code).toBe(1);
    await sql('UPDATE _prisma_migrations SET finished_at = now() WHERE migration_name = $1', [newest]);
  });

  it('lets pods start while a newer release’s migration is running', async () => {
    await ledgerRow(NEXT, { finished: false });
    const { code, output } = await runGate();
    console.log(`newer running: exit ${code}: ${output.trim()}`);
    expect(code).toBe(0);
    expect(output).toContain(`ignored (not this release's): ${NEXT}`);
  });

  it('lets pods start after a newer release’s migration failed, and after it finished', async () => {
    await sql('DELETE FROM _prisma_migrations WHERE migration_name = $1', [NEXT]);
    await ledgerRow(NEXT, { finished: false, failed: true });
    const failed = await runGate();
    console.log(`newer failed: exit ${failed.code}: ${failed.output.trim()}`);
    expect(failed.code).toBe(0);
    await ledgerRow(NEXT, { finished: true });
    expect((await runGate()).code, 'newer finished').toBe(0);
  });

  it('holds a pod whose release ships other SQL than was applied under the same name', async () => {
    const first = shippedMigrations(SERVICE)[0]!.name;
    await sql("UPDATE _prisma_migrations SET checksum = repeat('f', 64) WHERE migration_name = $1", [first]);
    const { code, output } = await runGate();
    expect(code).toBe(1);
    expect(output).toContain(`applied with other SQL than this release ships: ${first}`);
  });
});


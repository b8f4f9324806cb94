/**
 * `npm run reconcile -- --fix` refuses (exit 4) while an outbox holds unpublished events, since the
 * drift it would repair is about to be repaired by those events; `--force` overrides. On databases of
 * this suite's own (cloned from the migrated templates), with no relay running, so the pending event stays.
 */
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { cloneTemplate } from '@commerce/kit/testing';
import { SERVICES, type ServiceName } from '@commerce/kit/service-config';
import { repoRoot } from '@commerce/stack/paths';
import { run } from '../support/run.js';

function reconcile(urls: Record<ServiceName, string>, ...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/local/src/reconcile-cli.ts', ...args], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...Object.fromEntries(SERVICES.map((service) => [`${service.toUpperCase()}_DATABASE_URL`, urls[service]])),
        KAFKA_BROKERS: '',
      },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

async function sql<T extends pg.QueryResultRow>(url: string, query: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(query, values)).rows;
  } finally {
    await client.end();
  }
}

describe('npm run reconcile -- --fix while events are in flight', () => {
  it('refuses with exit 4 and changes nothing; --force fixes anyway', async () => {
    const urls = Object.fromEntries(
      await Promise.all(SERVICES.map(async (service) => [service, await cloneTemplate(run, service, 'reconcile_guard')] as const)),
    ) as Record<ServiceName, string>;
    // Drift: a user counted with two confirmed orders that the orders database does not have.
    const userId = randomUUID();
    await sql(urls.users, `INSERT INTO users (id, email, name, password_hash, updated_at, order_count) VALUES ($1, $2, 'Drifted', 'x', now(), 2)`, [
      userId,
      `${userId}@example.test`,
    ]);
    // An event still waiting in the orders outbox (nothing relays it: no service runs on these databases).
    const eventId = randomUUID();
    await sql(urls.orders, `INSERT INTO outbox_events (id, topic, key, envelope) VALUES ($1, 'orders.events', $2, '{}')`, [eventId, eventId]);
    const orderCount = async () => (await sql<{ order_count: number }>(urls.users, 'SELECT order_count FROM users WHERE id = $1', [userId]))[0]?.order_count;

    const refused = await reconcile(urls, '--fix');
    expect(refused.code).toBe(4);
    expect(refused.output).toContain('Not fixing while events are in flight');
    expect(refused.output).toContain('orders: 1 unpublished outbox events');
    expect(await orderCount()).toBe(2);

    const dry = await reconcile(urls);
    expect(dry.code).toBe(3);
    expect(dry.output).toContain(`${userId}: 2 -> 0`);

    const forced = await reconcile(urls, '--fix', '--force');
    expect(forced.code).toBe(0);
    expect(forced.output).toContain('Reconcile (fix)');
    expect(await orderCount()).toBe(0);
  }, 90_000);
});

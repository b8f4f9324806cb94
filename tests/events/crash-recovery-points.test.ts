/**
 * The two crash points the delivery guarantees hinge on, hit exactly (fixtures/crash-point.ts kills
 * itself there with SIGKILL), with the kit's real relay and consumer on a users database and the run's
 * broker: a relay killed after the broker's ack but before marking the rows sent sends them again and
 * the consumer deduplicates; a consumer killed after applying an event but before committing its
 * offset gets it again and applies nothing twice; one killed in the middle of a batch's transaction
 * committed none of it; a poison event in the middle of a batch is dead-lettered alone. And two relays
 * on one outbox (two replicas) take turns: each row is published once, in the order written.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopicOf, topicOf } from '@commerce/kit/events/catalog';
import { createKafka, createProducer, ensureTopics } from '@commerce/kit/events/kafka';
import { createEventMetrics } from '@commerce/kit/events/metrics';
import { OutboxRelay } from '@commerce/kit/events/relay';
import { appendToOutbox, newEvent } from '@commerce/kit/events/outbox';
import { createLogger } from '@commerce/kit/logger';
import { cloneTemplate, eventually, readMessages } from '@commerce/kit/testing';
import { Registry } from 'prom-client';
import { prismaClientOptions } from '@commerce/kit/prisma';
import { repoRoot } from '@commerce/stack/paths';
import { dropDatabases } from '@commerce/stack/postgres';
import { openDb } from '../../subgraphs/users/src/db.js';
import { run } from '../support/run.js';

const SUITE = 'crashpoint';
const prefix = `${SUITE}-${randomUUID().slice(0, 8)}.`;
const topic = topicOf('users', prefix);
let databaseUrl: string;
let client: pg.Client;

beforeAll(async () => {
  databaseUrl = await cloneTemplate(run, 'users', SUITE);
  client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('CREATE TABLE crash_point_effects (user_id uuid NOT NULL, name text NOT NULL)');
  await ensureTopics(createKafka('tests', run.brokers, createLogger('tests', 'silent')), prefix);
});

afterAll(async () => {
  await client?.end();
  await dropDatabases(run.serverUrl, [new URL(databaseUrl).pathname.slice(1)]);
});

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  counters: { published: number; outcomes: Record<string, number> } | null;
}

/** Runs the fixture until it exits (killed by itself, or done); bounded by the test's timeout. */
function crashPoint(mode: 'relay' | 'consumer', env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'tests/events/fixtures/crash-point.ts'), mode], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, KAFKA_BROKERS: run.brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code, signal) => {
      // The counters line; the fixture's logger may have written warnings (a failed batch) before it.
      const line = out.trim().split('\n').find((l) => l.startsWith('{"published"'));
      resolve({ code, signal, counters: line ? JSON.parse(line) : null });
    });
  });
}

/** Writes UserRegistered events for one user (one key, so one partition, in order) to the outbox. */
async function outboxEvents(names: string[], userId = randomUUID()): Promise<string[]> {
  const events = names.map((name) => newEvent('UserRegistered', userId, { userId, name }));
  await appendToOutbox({ $executeRawUnsafe: async (query, ...values) => (await client.query(query, values)).rowCount ?? 0 }, events, prefix);
  return events.map((event) => event.id);
}

async function unpublished(ids: string[]): Promise<number> {
  const { rows } = await client.query('SELECT count(*) AS n FROM outbox_events WHERE id = ANY($1::uuid[]) AND published_at IS NULL', [ids]);
  return Number(rows[0].n);
}

async function effects(names: string[]): Promise<Record<string, number>> {
  const { rows } = await client.query('SELECT name, count(*) AS n FROM crash_point_effects WHERE name = ANY($1) GROUP BY name', [names]);
  return Object.fromEntries(rows.map((row) => [row.name, Number(row.n)]));
}

describe('crash points of the outbox relay and the consumer', () => {
  it('relay killed after the broker acked, before marking sent: the batch is sent again and applied once', async () => {
    const names = ['relay-1', 'relay-2', 'relay-3'];
    const ids = await outboxEvents(names);

    const crashed = await crashPoint('relay', { CRASH: '1', EXPECT: '3' });
    expect(crashed.signal).toBe('SIGKILL');
    expect(await unpublished(ids)).toBe(3);
    const onTopic = (messages: { value: string | null }[]) => messages.filter((m) => ids.some((id) => m.value?.includes(id))).length;
    await readMessages(run.brokers, topic, (messages) => onTopic(messages) >= 3, 20_000);

    const resumed = await crashPoint('relay', { EXPECT: '3' });
    expect(resumed).toMatchObject({ code: 0, counters: { published: 3 } });
    expect(await unpublished(ids)).toBe(0);
    const messages = await readMessages(run.brokers, topic, (all) => onTopic(all) >= 6, 20_000);
    expect(onTopic(messages)).toBe(6);

    const consumed = await crashPoint('consumer', { EXPECT: '6' });
    expect(consumed).toMatchObject({ code: 0, counters: { outcomes: { applied: 3, duplicate: 3 } } });
    expect(await effects(names)).toEqual({ 'relay-1': 1, 'relay-2': 1, 'relay-3': 1 });
  }, 120_000);

  it('consumer killed after applying an event, before committing its offset: the event comes again and changes nothing', async () => {
    const names = ['consumer-1', 'consumer-2', 'consumer-3'];
    await outboxEvents(names);
    expect(await crashPoint('relay', { EXPECT: '3' })).toMatchObject({ code: 0 });

    // One event per transaction: consumer-1 is committed before consumer-2 arrives.
    const crashed = await crashPoint('consumer', { CRASH_ON: 'consumer-2', EXPECT: '3', BATCH_SIZE: '1' });
    expect(crashed.signal).toBe('SIGKILL');
    expect(await effects(names)).toEqual({ 'consumer-1': 1 });

    // The restarted consumer waits for the killed member's session to expire, then gets consumer-1 again.
    const resumed = await crashPoint('consumer', { EXPECT: '3' });
    expect(resumed).toMatchObject({ code: 0, counters: { outcomes: { applied: 2, duplicate: 1 } } });
    expect(await effects(names)).toEqual({ 'consumer-1': 1, 'consumer-2': 1, 'consumer-3': 1 });
  }, 120_000);

  // Each handler form: a plain handler (one call per event) and a batch handler (one call per run).
  const HANDLERS = [
    { kind: 'handler', env: {} },
    { kind: 'batch handler', env: { BATCH_HANDLER: '1' } },
  ] as const;

  it.each(HANDLERS)('consumer killed in the middle of a batch ($kind): nothing of the batch is committed, and it comes again and is applied once', async ({ kind, env }) => {
    const names = ['1', '2', '3'].map((n) => `batch-${kind}-${n}`);
    await outboxEvents(names);
    // Published together before the consumer starts, so they arrive in one batch: one transaction.
    expect(await crashPoint('relay', { EXPECT: '3' })).toMatchObject({ code: 0 });

    const crashed = await crashPoint('consumer', { ...env, CRASH_ON: names[1]!, EXPECT: '3' });
    expect(crashed.signal).toBe('SIGKILL');
    expect(await effects(names)).toEqual({});

    const resumed = await crashPoint('consumer', { ...env, EXPECT: '3' });
    expect(resumed).toMatchObject({ code: 0, counters: { outcomes: { applied: 3 } } });
    expect(await effects(names)).toEqual(Object.fromEntries(names.map((name) => [name, 1])));
  }, 120_000);

  it.each(HANDLERS)('a poison event in the middle of a batch ($kind) is dead-lettered alone; the others are applied once', async ({ kind, env }) => {
    const names = ['1', '2', '3', '4'].map((n) => `poison-${kind}-${n}`);
    const ids = await outboxEvents(names);
    expect(await crashPoint('relay', { EXPECT: '4' })).toMatchObject({ code: 0 });

    const consumed = await crashPoint('consumer', { ...env, POISON: names[1]!, MAX_ATTEMPTS: '2', EXPECT: '3' });
    // The batch's transaction failed on poison-2 and was rolled back; its events were applied again
    // one per transaction: poison-2 failed twice and went to the dead-letter topic, the others once.
    expect(consumed).toMatchObject({ code: 0, counters: { outcomes: { applied: 3 }, deadLettered: 1, batchFallbacks: 1 } });
    expect(consumed.counters?.outcomes.duplicate).toBeUndefined();
    expect(await effects(names)).toEqual({ [names[0]!]: 1, [names[2]!]: 1, [names[3]!]: 1 });
    const dead = await readMessages(run.brokers, deadLetterTopicOf(topic), (messages) => messages.some((m) => m.value?.includes(ids[1]!)), 20_000);
    const entry = dead.find((m) => m.value?.includes(ids[1]!));
    expect(entry?.headers['dlq-error']).toContain(`poison event ${names[1]}`);
    expect(dead.filter((m) => ids.some((id) => id !== ids[1] && m.value?.includes(id)))).toEqual([]);
  }, 120_000);

  it('two relays on one outbox (two replicas): every row published once, in the order written', async () => {
    const log = createLogger('tests', 'silent');
    const kafka = createKafka('relay-replicas', run.brokers, log);
    const replicas = [0, 1].map(() => ({ producer: createProducer(kafka), db: openDb(prismaClientOptions(databaseUrl, 2)) }));
    await Promise.all(replicas.map(({ producer }) => producer.connect()));
    // Small batches and a short poll, so the two take turns many times.
    const relays = replicas.map(
      ({ producer, db }) => new OutboxRelay({ db, producer, log, metrics: createEventMetrics(new Registry()), pollMs: 20, batchSize: 7 }),
    );
    relays.forEach((relay) => relay.start());
    try {
      const userId = randomUUID();
      const ids: string[] = [];
      for (let round = 0; round < 10; round += 1) {
        ids.push(...(await outboxEvents(Array.from({ length: 6 }, (_, n) => `replica-${round}-${n}`), userId)));
        relays.forEach((relay) => relay.wake());
      }
      await eventually(async () => expect(await unpublished(ids)).toBe(0), { timeoutMs: 30_000 });
      const ours = (messages: { value: string | null }[]) => messages.map((m) => ids.findIndex((id) => m.value?.includes(id))).filter((at) => at >= 0);
      const messages = await readMessages(run.brokers, topic, (all) => ours(all).length >= ids.length, 20_000);
      expect(ours(messages)).toEqual(ids.map((_, at) => at));
    } finally {
      await Promise.all(relays.map((relay) => relay.stop()));
      await Promise.all(replicas.map(({ producer, db }) => Promise.all([producer.disconnect(), db.$disconnect()])));
    }
  }, 120_000);
});

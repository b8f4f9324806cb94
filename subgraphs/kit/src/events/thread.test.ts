import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { startEventsThread } from './thread.js';

const fixture = new URL('./fixtures/events-thread-worker.ts', import.meta.url);
const log = createLogger('thread-test', 'silent');

const waitFor = async (check: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('startEventsThread', () => {
  it('reports ready once the thread joined, passes wakes on, and serves its metrics with the process metrics once', async () => {
    const metrics = createMetrics('orders');
    metrics.dbQueries.inc({ source: 'graphql' }, 2);
    const events = startEventsThread({ service: 'orders', module: fixture, config: {}, log, metrics });
    await expect(events.ready()).rejects.toThrow(/not joined/);
    await events.joined;
    await events.ready();
    events.wake();
    events.wake();
    await waitFor(async () => (await metrics.exposition()).includes('fixture_wakes_total{service="orders"} 2'));
    const text = await metrics.exposition();
    expect(text).toContain('db_queries_total{source="graphql",service="orders"} 2');
    expect(text).toContain('db_queries_total{source="events",service="orders"} 5');
    expect(text.match(/^# TYPE process_cpu_user_seconds_total/gm)).toHaveLength(1);
    expect(text).toMatch(/^process_start_time_seconds\{service="orders"\} \d+/m);
    await events.stop();
    // A stopped thread's metrics are no longer asked for: the scrape still answers, without them.
    expect(await metrics.exposition()).not.toContain('fixture_wakes_total');
  });

  it('starts a thread that exited again, and the service becomes ready when the new one joins', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'events-thread-')), 'exited');
    const metrics = createMetrics('orders');
    const events = startEventsThread({ service: 'orders', module: fixture, config: { exitOnceMarker: marker }, log, metrics });
    await events.joined;
    await events.ready();
    await events.stop();
  });
});

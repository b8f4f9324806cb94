/** The shared run (broker, stack) as the cross-service suites see it, and clients for its router. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { GraphQLClient } from '@commerce/stack/client';

export const run = inject('run');

export const router = new GraphQLClient(run.routerUrl);

/** A suffix that keeps one test's data apart from every other test's in the shared databases. */
export const unique = (prefix = '') => `${prefix}${randomUUID().slice(0, 8)}`;

/** Retries `check` until it stops throwing (events take a moment to flow), then returns its value. */
export async function eventually<T>(check: () => Promise<T>, { timeoutMs = 15_000, intervalMs = 100 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** The value of one Prometheus sample (summed over label sets matching `labels`) from a /metrics page. */
export async function metricValue(metricsUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) total += Number(match[3]);
  }
  return total;
}

/** `http://host:port/metrics` of a service, from its GraphQL URL. */
export const metricsUrlOf = (graphqlUrl: string) => new URL('/metrics', graphqlUrl).toString();

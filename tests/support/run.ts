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

export { metricValue } from '@commerce/stack/prometheus';

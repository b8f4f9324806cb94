/** The shared run (broker, stack) as the cross-service suites see it, and clients for its router. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { GraphQLClient } from '@commerce/stack/client';

export const run = inject('run');

export const router = new GraphQLClient(run.routerUrl);

/** A suffix that keeps one test's data apart from every other test's in the shared databases. */
export const unique = (prefix = '') => `${prefix}${randomUUID().slice(0, 8)}`;

/** Retries `check` until it stops throwing, then returns its value (shared with the subgraph tests). */
export { eventually } from '@commerce/kit/testing';

export { metricValue } from '@commerce/stack/prometheus';

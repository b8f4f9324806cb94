/**
 * Stage `persisted`: the operation text to run, from the request's `query` or its persisted-query id
 * (partners' safelists, first-party manifests, APQ), with Apollo's codes for every refusal.
 */
import type { PersistedQueries } from '../persisted-queries.js';
import type { Stage } from './stage.js';

export function persistedStage(persisted: PersistedQueries): Stage {
  return {
    name: 'persisted',
    async run(state) {
      const extensions = (state.raw.extensions ?? {}) as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } };
      state.query = await persisted.resolve({ query: state.raw.query, persistedQuery: extensions.persistedQuery }, state.partner);
    },
  };
}

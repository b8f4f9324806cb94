/**
 * Stage `document`: parses the operation text under the parser caps (MAX_TOKENS, MAX_RECURSION; 400
 * `PARSING_ERROR`) before graphql-js ever validates it, and selects the operation the request names:
 * an unknown `operationName`, or several operations and no name, is 400
 * `GRAPHQL_UNKNOWN_OPERATION_NAME`; a subscription is 400 `SUBSCRIPTION_NOT_SUPPORTED` (the router
 * does not serve them); a mutation over GET is 405 (GraphQL-over-HTTP). Parsed documents are cached
 * by text.
 */
import { LRUCache } from 'lru-cache';
import type { DocumentNode } from 'graphql';
import type { Config } from '../config.js';
import { parseLimited, selectOperation } from '../operation.js';
import { Rejection, reject } from '../rejection.js';
import type { Stage } from './stage.js';

export type DocumentOptions = Pick<Config, 'MAX_TOKENS' | 'MAX_RECURSION'>;

export function documentStage(options: DocumentOptions): Stage {
  const caps = { maxTokens: options.MAX_TOKENS, maxRecursion: options.MAX_RECURSION };
  const parsed = new LRUCache<string, { document: DocumentNode | null } | { rejection: Rejection }>({ max: 5_000 });
  const parseCached = (query: string) => {
    let entry = parsed.get(query);
    if (!entry) {
      try {
        entry = { document: parseLimited(query, caps) };
      } catch (error) {
        if (!(error instanceof Rejection)) throw error;
        entry = { rejection: error };
      }
      parsed.set(query, entry);
    }
    if ('rejection' in entry) throw entry.rejection;
    return entry.document;
  };
  return {
    name: 'document',
    run(state) {
      if (!state.metadata || state.query === null) return;
      const document = parseCached(state.query);
      if (!document) return; // a syntax error: Apollo Server reports it with its location
      const operation = selectOperation(document, state.raw.operationName);
      const type = operation.operation.operation;
      if (type === 'subscription') throw reject(400, 'SUBSCRIPTION_NOT_SUPPORTED', 'Subscriptions are not supported by this router');
      if (state.request.method === 'GET' && type !== 'query') {
        throw reject(405, 'METHOD_NOT_ALLOWED', 'Mutations must be sent with POST', {}, { headers: { allow: 'POST' } });
      }
      state.operation = operation;
    },
  };
}

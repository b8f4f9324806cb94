/**
 * Stage `document`: parses the operation text under the parser caps (MAX_DOCUMENT_LENGTH, MAX_TOKENS, MAX_RECURSION; 400
 * `PARSING_ERROR`) and the document caps (MAX_OPERATIONS, MAX_FRAGMENTS, MAX_VARIABLES) before
 * graphql-js ever validates it, and selects the operation the request names:
 * an unknown `operationName`, or several operations and no name, is 400
 * `GRAPHQL_UNKNOWN_OPERATION_NAME`; a subscription is 400 `SUBSCRIPTION_NOT_SUPPORTED` (the router
 * does not serve them); a mutation over GET is 405 (GraphQL-over-HTTP). Parsed documents are cached
 * by text, in a cache bounded by size as Apollo Server's document store is (30 MiB by default): by
 * count alone, 5,000 distinct documents near the caps (about 1 MB of syntax tree each) would hold
 * gigabytes, which any anonymous client could send.
 */
import { LRUCache } from 'lru-cache';
import { Kind, type DocumentNode } from 'graphql';
import type { Config } from '../config.js';
import { parseLimited, selectOperation } from '../operation.js';
import { Rejection, reject } from '../rejection.js';
import type { Stage } from './stage.js';

export type DocumentOptions = Pick<Config, 'MAX_DOCUMENT_LENGTH' | 'MAX_TOKENS' | 'MAX_RECURSION' | 'MAX_OPERATIONS' | 'MAX_FRAGMENTS' | 'MAX_VARIABLES'> & {
  /** Bytes of parsed documents kept (approximateDocumentBytes); default DOCUMENT_CACHE_BYTES. */
  documentCacheBytes?: number;
};

/** What the parsed-document cache holds at most, in approximate bytes. */
export const DOCUMENT_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * The memory a cached document takes, approximately (bytes): its text, plus 64 bytes for every object
 * and array of its syntax tree (V8 held 57–63 per object for trees without locations, dense and
 * typical documents alike). A walk, not Apollo Server's JSON-encoding of each document: six times
 * cheaper, on every new document.
 */
export function approximateDocumentBytes(query: string, document: DocumentNode | null): number {
  let objects = 0;
  const pending: unknown[] = document ? [document] : [];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object') continue;
    objects += 1;
    for (const child of Array.isArray(value) ? value : Object.values(value)) if (child !== null && typeof child === 'object') pending.push(child);
  }
  return query.length + 64 * objects;
}

/**
 * Operations, fragment definitions and variable definitions in the whole document, against their caps:
 * graphql-js validates every definition (several rules per operation walk all fragments), so these
 * bound its work. 400 with `data: {}`, one error per cap, like the request limits.
 */
export function shapeErrors(document: DocumentNode, options: DocumentOptions) {
  let operations = 0;
  let fragments = 0;
  let variables = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      operations += 1;
      variables += definition.variableDefinitions?.length ?? 0;
    } else if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments += 1;
    }
  }
  const checks = [
    ['MAX_OPERATIONS_LIMIT', operations, options.MAX_OPERATIONS, 'Maximum number of operations exceeded in this document'],
    ['MAX_FRAGMENTS_LIMIT', fragments, options.MAX_FRAGMENTS, 'Maximum number of fragment definitions exceeded in this document'],
    ['MAX_VARIABLES_LIMIT', variables, options.MAX_VARIABLES, 'Maximum number of variable definitions exceeded in this document'],
  ] as const;
  return checks
    .filter(([, actual, max]) => actual > max)
    .map(([code, actual, max, message]) => ({ message, extensions: { code, actual, limit: max } }));
}

export function documentStage(options: DocumentOptions): Stage {
  const caps = { maxLength: options.MAX_DOCUMENT_LENGTH, maxTokens: options.MAX_TOKENS, maxRecursion: options.MAX_RECURSION };
  const parsed = new LRUCache<string, { document: DocumentNode | null } | { rejection: Rejection }>({
    max: 5_000,
    maxSize: options.documentCacheBytes ?? DOCUMENT_CACHE_BYTES,
    // A refusal keeps its errors (a few hundred bytes) besides the text.
    sizeCalculation: (entry, query) => ('rejection' in entry ? query.length + 1_000 : approximateDocumentBytes(query, entry.document)),
  });
  const parseCached = (query: string) => {
    let entry = parsed.get(query);
    if (!entry) {
      try {
        const document = parseLimited(query, caps);
        const errors = document ? shapeErrors(document, options) : [];
        if (errors.length > 0) throw new Rejection(400, errors, { data: {} });
        entry = { document };
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
      // Variables the operation does not declare are ignored by execution (GraphQL spec,
      // CoerceVariableValues); dropping them here keeps a huge unused map from travelling further.
      const given = state.raw.variables;
      if (given) {
        const declared = operation.operation.variableDefinitions ?? [];
        state.raw.variables = Object.fromEntries(declared.filter((d) => Object.hasOwn(given, d.variable.name.value)).map((d) => [d.variable.name.value, given[d.variable.name.value]]));
      }
    },
  };
}

/**
 * The Apollo Client: the one supergraph endpoint, the shopper's token on every request, and in
 * production builds persisted queries — the app sends the ids of its manifest
 * (schema/persisted-queries/storefront.json), never operation text; an id the router does not know is
 * an error (a stale manifest must fail loudly, not fall back to sending or registering the text).
 *
 * Link chain, outermost first: session (ends a refused session once) → retry (network errors and
 * 429/503 with back-off, honouring Retry-After) → token → persisted ids → HTTP.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { RetryLink } from '@apollo/client/link/retry';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import { isNetworkError } from './errors';
import { retryDelayMs, shouldRetry } from './retry';
import { currentToken, expireSession } from './session';

export function createClient(graphqlUrl: string): ApolloClient {
  const token = new SetContextLink((previous) => {
    // Drop a header left from an earlier attempt: the session may have ended since.
    const { authorization: _dropped, ...headers } = (previous.headers ?? {}) as Record<string, string>;
    const current = currentToken();
    return { headers: current ? { ...headers, authorization: `Bearer ${current}` } : headers, sentToken: current };
  });

  const session = new ErrorLink(({ error, operation }) => {
    const sent = operation.getContext().sentToken as string | null | undefined;
    if (!sent || !isRefusedToken(error)) return;
    // The router refused this token (expired, signed out elsewhere, key rotated): end the session once.
    // Queries are answered again, anonymously, when the cache resets; nothing is retried with the dead token.
    expireSession(sent);
  });

  const retry = new RetryLink({
    attempts: (attempt, operation, error) => shouldRetry(attempt, operation.operationType === 'query', error),
    delay: (attempt, _operation, error) => retryDelayMs(attempt, error),
  });

  const links: ApolloLink[] = [session, retry, token];
  if (import.meta.env.PROD) {
    links.push(
      new PersistedQueryLink({
        ...generatePersistedQueryIdsFromManifest({
          loadManifest: () => import('../../../schema/persisted-queries/storefront.json'),
        }),
        // Never send the text after an unknown id: the manifest the router serves must hold every operation.
        retry: () => false,
        disable: () => false,
      }),
    );
  }
  links.push(new HttpLink({ uri: graphqlUrl }));
  return new ApolloClient({
    link: ApolloLink.from(links),
    cache: new InMemoryCache({
      typePolicies: {
        Query: { fields: { products: { keyArgs: ['filter', 'orderBy'], merge: mergePages }, orders: { keyArgs: ['status'], merge: mergePages } } },
        Product: { fields: { reviews: { keyArgs: false, merge: mergePages } } },
        User: { fields: { orders: { keyArgs: false, merge: mergePages } } },
      },
    }),
  });
}

/**
 * A 401, or AUTH_ERROR in the answer: the router did not accept the token. (UNAUTHENTICATED comes from a
 * subgraph about the operation — e.g. a wrong password — not about the token, so it ends nothing.)
 */
function isRefusedToken(error: unknown): boolean {
  if (isNetworkError(error)) return false;
  if (ServerError.is(error) && error.statusCode === 401) return true;
  return CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'AUTH_ERROR');
}

interface Edge {
  cursor?: string;
  node: { __ref?: string; id?: string };
}

/**
 * "Load more" appends the next page's edges to the list already shown — once: an edge already present
 * (the same page fetched twice, e.g. a double click) is not appended again.
 */
export function mergePages(
  existing: { edges: Edge[] } | undefined,
  incoming: { edges: Edge[] },
  { args }: { args: Record<string, unknown> | null },
) {
  if (!existing || !args?.after) return incoming;
  const keyOf = (edge: Edge) => edge.node.__ref ?? edge.node.id ?? edge.cursor;
  const seen = new Set(existing.edges.map(keyOf));
  return { ...incoming, edges: [...existing.edges, ...incoming.edges.filter((edge) => !seen.has(keyOf(edge)))] };
}

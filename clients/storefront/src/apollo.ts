/**
 * The Apollo Client: the one supergraph endpoint, the shopper's token on every request, and in
 * production builds persisted queries — the app sends the ids of its manifest
 * (schema/persisted-queries/storefront.json), never operation text.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import { storedSession } from './session';

export function createClient(graphqlUrl: string): ApolloClient {
  const auth = new SetContextLink((previous) => {
    const session = storedSession();
    return session ? { headers: { ...previous.headers, authorization: `Bearer ${session.token}` } } : {};
  });
  const links: ApolloLink[] = [auth];
  if (import.meta.env.PROD) {
    links.push(
      new PersistedQueryLink(
        generatePersistedQueryIdsFromManifest({
          loadManifest: () => import('../../../schema/persisted-queries/storefront.json'),
        }),
      ),
    );
  }
  links.push(new HttpLink({ uri: graphqlUrl }));
  return new ApolloClient({
    link: ApolloLink.from(links),
    cache: new InMemoryCache({
      typePolicies: {
        Query: { fields: { products: { keyArgs: ['filter', 'orderBy'], merge: mergePages } } },
      },
    }),
  });
}

/** "Load more" appends the next page's edges to the list already shown. */
function mergePages(
  existing: { edges: unknown[] } | undefined,
  incoming: { edges: unknown[] },
  { args }: { args: Record<string, unknown> | null },
) {
  if (!existing || !args?.after) return incoming;
  return { ...incoming, edges: [...existing.edges, ...incoming.edges] };
}

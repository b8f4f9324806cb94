/**
 * Where the supergraph is. A built storefront reads it at runtime from /config.json (written by
 * whoever serves it, so one build runs anywhere); the dev server falls back to VITE_GRAPHQL_URL.
 */
export interface StorefrontConfig {
  graphqlUrl: string;
}

export async function loadConfig(): Promise<StorefrontConfig> {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (response.ok) return (await response.json()) as StorefrontConfig;
  } catch {
    // No config.json (the Vite dev server): use the build-time default.
  }
  return { graphqlUrl: import.meta.env.VITE_GRAPHQL_URL ?? 'http://127.0.0.1:4000/graphql' };
}

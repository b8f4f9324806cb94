/**
 * The cache policy of one subgraph answer, read from its `Cache-Control` header as Apollo Server's
 * cache-control plugin writes it from the schema's `@cacheControl` hints (`max-age=60, public`,
 * `max-age=60, private` or `no-store`), as Apollo Router reads it for its entity cache.
 */

export type CacheScope = 'PUBLIC' | 'PRIVATE';

export interface CachePolicy {
  /** Seconds the answer may be cached (> 0). */
  maxAge: number;
  scope: CacheScope;
}

/**
 * The policy a `Cache-Control` header allows, or null when it allows no caching: absent, `no-store`,
 * `no-cache`, `max-age=0`, or anything unparsable (caching is opt-in, so doubt means no).
 * `s-maxage` is preferred to `max-age` for PUBLIC answers, as a shared cache does (RFC 9111 §5.2.2.10).
 */
export function parseCacheControl(header: string | string[] | undefined | null): CachePolicy | null {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return null;
  let maxAge: number | undefined;
  let sharedMaxAge: number | undefined;
  let scope: CacheScope = 'PUBLIC';
  for (const raw of value.split(',')) {
    const [name = '', argument] = raw.trim().toLowerCase().split('=', 2) as [string, string | undefined];
    if (name === 'no-store' || name === 'no-cache') return null;
    if (name === 'private') scope = 'PRIVATE';
    else if (name === 'max-age' || name === 's-maxage') {
      if (argument === undefined || !/^\d+$/.test(argument)) return null;
      if (name === 'max-age') maxAge = Number(argument);
      else sharedMaxAge = Number(argument);
    }
  }
  const seconds = scope === 'PUBLIC' && sharedMaxAge !== undefined ? sharedMaxAge : maxAge;
  if (seconds === undefined || seconds <= 0) return null;
  return { maxAge: seconds, scope };
}

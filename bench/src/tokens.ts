/**
 * The account pools' tokens and the HTTP request of a scenario's request spec: the JSON body, and the
 * bearer token of the spec's account (none for an anonymous spec). Scenarios rotate the account per
 * request (scenarios.ts `userOf`), so consecutive requests carry different users' tokens.
 */
import type { HttpRequest } from './load.js';
import type { RequestSpec } from './scenarios.js';

/** Bearer tokens of the reader and writer accounts, as `signUp` returned them, and the accounts' ids (their `sub`). */
export interface TokenPools {
  readers: string[];
  writers: string[];
  ids: { readers: string[]; writers: string[] };
}

/**
 * The body and headers a client sends for `spec`, and for a request about its user (`me`) the text the
 * answer must contain: that user's id, so a gateway answering with another user's data is caught under
 * load. Throws when the account is not in the pool.
 */
export function requestFor(spec: RequestSpec, tokens: TokenPools): HttpRequest {
  const body = JSON.stringify({ query: spec.query, variables: spec.variables });
  if (spec.user === null) return { body, headers: {} };
  const token = tokens[spec.pool][spec.user];
  if (token === undefined) throw new Error(`no token for ${spec.pool} account ${spec.user} (pool of ${tokens[spec.pool].length})`);
  const request: HttpRequest = { body, headers: { authorization: `Bearer ${token}` } };
  if (spec.aboutUser) request.expect = `"me":{"id":"${tokens.ids[spec.pool][spec.user]}"`;
  return request;
}

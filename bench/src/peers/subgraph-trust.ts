/**
 * What any gateway in front of these subgraphs must do besides GraphQL, given to the peer gateways as
 * a few lines of glue so they answer the same operations as ours: verify the caller's JWT against the
 * users service's JWKS (jose, as our router does) and sign each subgraph request with the shared secret,
 * forwarding the verified claims (the subgraphs refuse unsigned requests).
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { encodeClaims } from '@commerce/kit/auth';
import { signedHeaders } from '@commerce/kit/router-trust';

export interface PeerTrust {
  /** The encoded claims of a verified bearer token; undefined for an anonymous request. Throws on a bad token. */
  claimsOf(authorization: string | null | undefined): Promise<string | undefined>;
  /** The headers that make a subgraph accept `body` on behalf of `claims`. */
  headersFor(claims: string | undefined, body: string): Record<string, string>;
}

export function peerTrust(env: NodeJS.ProcessEnv = process.env): PeerTrust {
  const jwks = createRemoteJWKSet(new URL(required(env, 'JWKS_URL')), { cacheMaxAge: 600_000 });
  const secret = required(env, 'ROUTER_SHARED_SECRET');
  return {
    claimsOf: async (authorization) => {
      if (!authorization) return undefined;
      const token = authorization.replace(/^Bearer /i, '');
      const { payload } = await jwtVerify(token, jwks, { algorithms: ['ES256'], issuer: 'commerce-users', audience: 'commerce-supergraph' });
      return encodeClaims(payload);
    },
    headersFor: (claims, body) => signedHeaders(secret, claims, body),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

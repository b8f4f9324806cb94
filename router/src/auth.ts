/**
 * JWT authentication as Apollo's router does it: a bearer token is verified against the users
 * service's JWKS (jose: signature, algorithm allowlist, issuer, audience, expiry); a request without a
 * token is anonymous; a request with a bad token is refused with HTTP 401 and `AUTH_ERROR`.
 */
import { createRemoteJWKSet, jwtVerify, errors, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Config } from './config.js';

/**
 * How long a verified token is remembered. A client sends the same token with every request; verifying
 * its ES256 signature each time costs a trip through libuv's thread pool. Only a token that verified is
 * cached, by its exact text (so the same signature), never past its `exp`; a key withdrawn from the JWKS
 * stops being accepted within this time.
 */
const VERIFIED_TTL_MS = 60_000;

export class AuthError extends Error {}

export type Verifier = (authorization: string | undefined) => Promise<JWTPayload | null>;

export function createVerifier(config: Config): Verifier {
  const jwks = createRemoteJWKSet(new URL(config.JWKS_URL), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  const verified = new LRUCache<string, JWTPayload>({ max: 10_000 });
  return async (authorization) => {
    if (!authorization) return null;
    const [scheme, token] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw new AuthError('Authorization header must be "Bearer <token>"');
    const known = verified.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, jwks, {
        algorithms: ['ES256'],
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        requiredClaims: ['sub', 'exp'],
      });
      const ttl = Math.min(VERIFIED_TTL_MS, payload.exp! * 1000 - Date.now());
      if (ttl > 0) verified.set(token, payload, { ttl });
      return payload;
    } catch (error) {
      throw new AuthError(describe(error));
    }
  };
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'Cannot verify JWT: token expired';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'Cannot verify JWT: algorithm not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'Cannot verify JWT: invalid signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'Cannot verify JWT: no matching key';
  if (error instanceof errors.JWTClaimValidationFailed) return `Cannot verify JWT: ${error.message}`;
  // Not a verdict on the token: the JWKS could not be fetched (network error or timeout).
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
    return 'Cannot verify JWT: signing keys unavailable';
  }
  return 'Cannot decode JWT';
}

/**
 * JWT authentication as Apollo's router does it: a bearer token is verified against the users
 * service's JWKS (jose: signature, algorithm allowlist, issuer, audience, expiry); a request without a
 * token is anonymous; a request with a bad token is refused with HTTP 401 and `AUTH_ERROR`.
 */
import { createRemoteJWKSet, jwtVerify, errors, type JWTPayload } from 'jose';
import type { Config } from './config.js';

export class AuthError extends Error {}

export type Verifier = (authorization: string | undefined) => Promise<JWTPayload | null>;

export function createVerifier(config: Config): Verifier {
  const jwks = createRemoteJWKSet(new URL(config.JWKS_URL), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  return async (authorization) => {
    if (!authorization) return null;
    const [scheme, token] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw new AuthError('Authorization header must be "Bearer <token>"');
    try {
      const { payload } = await jwtVerify(token, jwks, {
        algorithms: ['ES256'],
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        requiredClaims: ['sub', 'exp'],
      });
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

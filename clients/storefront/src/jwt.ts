/**
 * What the storefront reads from its own token (never trusted for access — the router decides): when it
 * expires, so a returning shopper is signed out before sending it, and its scopes, so admin pages are
 * only offered to admins.
 */
export interface TokenClaims {
  exp?: number;
  scope?: string;
  sub?: string;
}

/** The payload of a JWT, or null when the token is not one. */
export function claimsOf(token: string): TokenClaims | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    return JSON.parse(json) as TokenClaims;
  } catch {
    return null;
  }
}

/** True when the token's `exp` (seconds) has passed, with a few seconds' margin for clock skew and latency. */
export function isExpired(token: string, nowMs = Date.now()): boolean {
  const exp = claimsOf(token)?.exp;
  return typeof exp === 'number' && exp * 1000 <= nowMs + 5_000;
}

export function hasScope(token: string, scope: string): boolean {
  return (claimsOf(token)?.scope ?? '').split(' ').includes(scope);
}

/**
 * Subgraphs accept GraphQL requests only from the router. The router signs every subgraph request
 * with a shared secret: HMAC-SHA256 over a timestamp, the method and path, the forwarded claims and the
 * body, sent as `x-router-signature: t=<unix seconds>,v1=<hex>`. A subgraph refuses (401) a request
 * whose signature is missing, wrong or older than the allowed skew, so claims cannot be forged and a
 * captured request cannot be replayed later. Two secrets may be configured to rotate without downtime.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CLAIMS_HEADER } from './auth.js';

export const SIGNATURE_HEADER = 'x-router-signature';

/** The documented development secret; production refuses to start with it. */
export const DEV_ROUTER_SECRET = 'dev-router-secret-change-me';

function mac(secret: string, timestamp: number, target: string, claims: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${target}\n${claims}\n`).update(body).digest('hex');
}

export function signRequest(secret: string, target: string, claims: string | undefined, body: string, now = Date.now()): string {
  const timestamp = Math.floor(now / 1000);
  return `t=${timestamp},v1=${mac(secret, timestamp, target, claims ?? '', body)}`;
}

/** What a caller of a subgraph sends besides the body: the signature and, for a signed-in caller, the claims. */
export function signedHeaders(secret: string, claims: string | undefined, body: string, target = 'POST /graphql'): Record<string, string> {
  return { [SIGNATURE_HEADER]: signRequest(secret, target, claims, body), ...(claims ? { [CLAIMS_HEADER]: claims } : {}) };
}

export type Verdict = { trusted: true } | { trusted: false; reason: string };

export function verifyRequest(
  secrets: readonly string[],
  header: string | string[] | undefined,
  target: string,
  claims: string | undefined,
  body: string,
  maxSkewSeconds = 300,
  now = Date.now(),
): Verdict {
  if (typeof header !== 'string') return { trusted: false, reason: 'missing router signature' };
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  if (!Number.isInteger(timestamp) || given.length !== 32) return { trusted: false, reason: 'malformed router signature' };
  if (Math.abs(now / 1000 - timestamp) > maxSkewSeconds) return { trusted: false, reason: 'router signature expired' };
  for (const secret of secrets) {
    const expected = Buffer.from(mac(secret, timestamp, target, claims ?? '', body), 'hex');
    if (timingSafeEqual(expected, given)) return { trusted: true };
  }
  return { trusted: false, reason: 'invalid router signature' };
}

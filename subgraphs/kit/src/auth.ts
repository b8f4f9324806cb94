/**
 * Who is asking. The router verifies the JWT and forwards its claims to subgraphs in one header;
 * subgraphs never see tokens. Scopes come from the standard space-separated `scope` claim.
 */
import { z } from 'zod';

export const CLAIMS_HEADER = 'x-commerce-claims';

export const Scope = {
  CUSTOMER: 'customer',
  ADMIN: 'admin',
} as const;

const claimsSchema = z.looseObject({
  sub: z.string().min(1),
  scope: z.string().default(''),
});

export type Claims = z.infer<typeof claimsSchema>;

export interface Viewer {
  readonly id: string;
  readonly scopes: ReadonlySet<string>;
  readonly isAdmin: boolean;
}

export function viewerFromClaims(claims: Claims): Viewer {
  const scopes = new Set(claims.scope.split(' ').filter(Boolean));
  return { id: claims.sub, scopes, isAdmin: scopes.has(Scope.ADMIN) };
}

/** The header value the router sends: the verified claims as base64url JSON. */
export function encodeClaims(claims: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(claims)).toString('base64url');
}

/**
 * Viewers by claims header, most recent last. A signed-in client sends the same claims (same token)
 * with every request, so decoding and validating them once per token is enough; the bound keeps a
 * flood of distinct tokens from growing it, dropping the oldest first.
 */
const viewers = new Map<string, Viewer | null>();
const MAX_VIEWERS = 10_000;

/** The viewer behind a claims header, or null for an anonymous (or unreadable) one. */
export function readViewer(header: string | string[] | undefined): Viewer | null {
  if (typeof header !== 'string' || header === '') return null;
  const known = viewers.get(header);
  if (known !== undefined) return known;
  const viewer = decodeViewer(header);
  if (viewers.size >= MAX_VIEWERS) viewers.delete(viewers.keys().next().value!);
  viewers.set(header, viewer);
  return viewer;
}

function decodeViewer(header: string): Viewer | null {
  try {
    const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(header, 'base64url').toString('utf8')));
    return parsed.success ? Object.freeze(viewerFromClaims(parsed.data)) : null;
  } catch {
    return null;
  }
}

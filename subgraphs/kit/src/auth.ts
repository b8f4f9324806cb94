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

/** The viewer behind a claims header, or null for an anonymous (or unreadable) one. */
export function readViewer(header: string | string[] | undefined): Viewer | null {
  if (typeof header !== 'string' || header === '') return null;
  try {
    const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(header, 'base64url').toString('utf8')));
    return parsed.success ? viewerFromClaims(parsed.data) : null;
  } catch {
    return null;
  }
}

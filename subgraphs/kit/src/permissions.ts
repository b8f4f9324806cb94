/**
 * graphql-shield rules every subgraph uses. Resolvers stay free of access checks; each subgraph's
 * `permissions.ts` maps its fields to these rules. Unlisted fields are allowed, and errors thrown by
 * resolvers (NOT_FOUND, BAD_USER_INPUT) pass through unchanged.
 */
import { allow, rule, shield, type IRules } from 'graphql-shield';
import { forbidden, unauthenticated } from './errors.js';
import type { Viewer } from './auth.js';

export interface ViewerContext {
  viewer: Viewer | null;
}

export const isAuthenticated = rule({ cache: 'contextual' })(
  (_parent: unknown, _args: unknown, ctx: ViewerContext) => (ctx.viewer ? true : unauthenticated()),
);

export const isAdmin = rule({ cache: 'contextual' })((_parent: unknown, _args: unknown, ctx: ViewerContext) => {
  if (!ctx.viewer) return unauthenticated();
  return ctx.viewer.isAdmin ? true : forbidden('Only an admin may do this');
});

/**
 * The owner of the thing at hand, or an admin. `ownerOf` finds the owner's user id from the parent
 * (e.g. `User.email`) or the arguments (e.g. `deleteReview(id)`, via a loader); when it finds nothing
 * the rule lets the resolver answer NOT_FOUND.
 */
export function isOwnerOrAdmin<P, A, C extends ViewerContext>(
  ownerOf: (parent: P, args: A, ctx: C) => string | undefined | Promise<string | undefined>,
  message: string,
) {
  return rule({ cache: 'strict' })(async (parent: P, args: A, ctx: C) => {
    if (!ctx.viewer) return unauthenticated();
    if (ctx.viewer.isAdmin) return true;
    const owner = await ownerOf(parent, args, ctx);
    if (owner === undefined || owner === ctx.viewer.id) return true;
    return forbidden(message);
  });
}

export function permissions(rules: IRules) {
  return shield(rules, { fallbackRule: allow, allowExternalErrors: true });
}

/** The signed-in viewer; resolvers behind `isAuthenticated` call this instead of asserting non-null. */
export function viewerOf(ctx: ViewerContext): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

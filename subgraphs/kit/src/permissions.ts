/**
 * graphql-shield rules every subgraph uses. Resolvers stay free of access checks; each subgraph's
 * `permissions.ts` maps its fields to these rules. Unlisted fields are allowed, and errors thrown by
 * resolvers (NOT_FOUND, BAD_USER_INPUT) pass through unchanged.
 */
import type { GraphQLSchema } from 'graphql';
import { middleware, type IMiddlewareTypeMap } from 'graphql-middleware';
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
  // No rule cache: 'strict' hashes parent and arguments (object-hash) on every field it guards, which
  // costs more than asking again; an owner found through a loader is cached by that loader.
  return rule({ cache: 'no_cache' })(async (parent: P, args: A, ctx: C) => {
    if (!ctx.viewer) return unauthenticated();
    if (ctx.viewer.isAdmin) return true;
    const owner = await ownerOf(parent, args, ctx);
    if (owner === undefined || owner === ctx.viewer.id) return true;
    return forbidden(message);
  });
}

/**
 * The shield of `rules`, applied only to the fields a rule names. graphql-shield itself wraps every
 * field of the schema (the unlisted ones in `fallbackRule: allow`), which turns each scalar of every
 * entity into an async middleware call and a promise: most of a subgraph's execution time on a list.
 * An unlisted field behaves the same without the wrapper (`allow` always resolves it), and an error a
 * wrapped resolver throws still passes through unchanged (`allowExternalErrors`).
 *
 * `rules` maps a type to one rule (every field of that type, e.g. `Order`) or to its fields' rules
 * (`'*'` there also covers every field of the type).
 */
export function permissions(rules: IRules) {
  const generator = shield(rules, { fallbackRule: allow, allowExternalErrors: true });
  // shield's own type parameters (any): each subgraph's rules read its own context type.
  return middleware((schema: GraphQLSchema) => ruledFieldsOnly(generator.generate(schema) as IMiddlewareTypeMap, rules)) as typeof generator;
}

/** The part of shield's generated middleware map that belongs to a field `rules` name. */
function ruledFieldsOnly(generated: IMiddlewareTypeMap, rules: IRules): IMiddlewareTypeMap {
  const kept: IMiddlewareTypeMap = {};
  if (isRule(rules)) return generated;
  for (const [typeName, typeRules] of Object.entries(rules as Record<string, unknown>)) {
    const fields = generated[typeName] as Record<string, IMiddlewareTypeMap[string]> | undefined;
    if (fields === undefined || typeof fields === 'function') continue;
    if (isRule(typeRules) || (typeRules as Record<string, unknown>)['*'] !== undefined) {
      kept[typeName] = fields as IMiddlewareTypeMap[string];
      continue;
    }
    kept[typeName] = Object.fromEntries(Object.keys(typeRules as Record<string, unknown>).map((field) => [field, fields[field]])) as IMiddlewareTypeMap[string];
  }
  return kept;
}

/** A shield rule or logic rule (`rule()(...)`, `and(...)`, ...), as opposed to a map of field rules. */
const isRule = (value: unknown): boolean => typeof (value as { resolve?: unknown } | null)?.resolve === 'function';

/** The signed-in viewer; resolvers behind `isAuthenticated` call this instead of asserting non-null. */
export function viewerOf(ctx: ViewerContext): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

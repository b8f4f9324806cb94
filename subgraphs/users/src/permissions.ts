import { or, rule } from 'graphql-shield';
import { isAdmin, isAuthenticated, isOwnerOrAdmin, permissions } from '@commerce/kit/permissions';
import type { Context } from './context.js';
import type { UserRow } from './db.js';

/** The user a signUp / logIn of this same request signed in (the caller, before it holds the token). */
const isSignedInHere = rule({ cache: 'no_cache' })((user: UserRow, _args: unknown, ctx: Context) => ctx.signedIn.has(user.id));

/** Private fields: the user themself (by token, or just signed in by this request) or an admin; anyone else gets null and an error. */
const isSelfOrAdmin = or(isSignedInHere, isOwnerOrAdmin((user: UserRow) => user.id, 'Only the user themself or an admin may read this e-mail address'));

export const userPermissions = permissions({
  Query: { me: isAuthenticated, users: isAdmin },
  Mutation: { updateProfile: isAuthenticated },
  User: { email: isSelfOrAdmin },
});

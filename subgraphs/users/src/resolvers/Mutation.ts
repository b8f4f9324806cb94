import { viewerOf } from '@commerce/kit/permissions';
import type { Context } from '../context.js';
import type { AuthPayload } from '../domain/user-service.js';

/** The caller of signUp / logIn is the user it signs in: their own fields are readable in the payload. */
function signedIn(ctx: Context, payload: AuthPayload): AuthPayload {
  ctx.signedIn.add(payload.user.id);
  return payload;
}

export const Mutation = {
  signUp: async (_: unknown, args: { input: unknown }, ctx: Context) => signedIn(ctx, await ctx.users.signUp(args.input)),

  logIn: async (_: unknown, args: { email: string; password: string }, ctx: Context) =>
    signedIn(ctx, await ctx.users.logIn(args.email, args.password)),

  updateProfile: (_: unknown, args: { input: unknown }, ctx: Context) =>
    ctx.users.updateProfile(viewerOf(ctx).id, args.input),
};

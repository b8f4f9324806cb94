import { viewerOf } from '@commerce/kit/permissions';
import type { Context } from '../context.js';

export const Mutation = {
  signUp: (_: unknown, args: { input: unknown }, ctx: Context) => ctx.users.signUp(args.input),

  logIn: (_: unknown, args: { email: string; password: string }, ctx: Context) =>
    ctx.users.logIn(args.email, args.password),

  updateProfile: (_: unknown, args: { input: unknown }, ctx: Context) =>
    ctx.users.updateProfile(viewerOf(ctx).id, args.input),
};

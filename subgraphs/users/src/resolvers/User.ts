import { isUuid } from '@commerce/kit/errors';
import type { Context } from '../context.js';
import type { UserRow } from '../db.js';

export const User = {
  __resolveReference: (reference: { id: string }, ctx: Context) =>
    isUuid(reference.id) ? ctx.loaders.userById.load(reference.id.toLowerCase()) : null,

  lifetimeSpend: (user: UserRow, _: unknown, ctx: Context) => ({
    amountCents: user.lifetimeSpendCents,
    currency: ctx.currency,
  }),
};

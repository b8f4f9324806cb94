/**
 * The product list's orderings as keyset pagination: each ordering's sort, its cursor (the sort key of
 * the last row) and the condition "comes after this cursor". Every ordering ends with the id so keys
 * are unique and pages never skip or repeat a product.
 */
import { z } from 'zod';
import { cursorParts, decodeCursor, newestFirst } from '@commerce/kit/pagination';
import type { ProductOrderBy, ProductRow, ProductWhere } from '../db.js';

export type ProductOrder = 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'TOP_RATED';

export interface Ordering {
  orderBy: ProductOrderBy[];
  keyOf: (row: ProductRow) => unknown;
  /** Rows after `cursor`; a cursor of another ordering (or garbage) is BAD_USER_INPUT. */
  after: (cursor: string) => ProductWhere;
}

function ordering<K>(definition: {
  cursor: z.ZodType<K, unknown>;
  orderBy: ProductOrderBy[];
  keyOf: (row: ProductRow) => unknown;
  after: (key: K) => ProductWhere;
}): Ordering {
  return {
    orderBy: definition.orderBy,
    keyOf: definition.keyOf,
    after: (cursor) => definition.after(decodeCursor(cursor, definition.cursor)),
  };
}

/** A price in a cursor: its decimal digits (JSON numbers lose precision above 2^53). */
const cents = z.string().regex(/^\d{1,19}$/).transform(BigInt);

export const orderings: Record<ProductOrder, Ordering> = {
  NEWEST: ordering({
    cursor: newestFirst.cursor,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    keyOf: newestFirst.keyOf,
    after: ([, at, id]) => ({ OR: [{ createdAt: { lt: new Date(at) } }, { createdAt: new Date(at), id: { lt: id } }] }),
  }),

  PRICE_ASC: ordering({
    cursor: z.tuple([z.literal('PRICE_ASC'), cents, cursorParts.id]),
    orderBy: [{ priceCents: 'asc' }, { id: 'asc' }],
    keyOf: (p) => ['PRICE_ASC', p.priceCents.toString(), p.id],
    after: ([, price, id]) => ({ OR: [{ priceCents: { gt: price } }, { priceCents: price, id: { gt: id } }] }),
  }),

  PRICE_DESC: ordering({
    cursor: z.tuple([z.literal('PRICE_DESC'), cents, cursorParts.id]),
    orderBy: [{ priceCents: 'desc' }, { id: 'desc' }],
    keyOf: (p) => ['PRICE_DESC', p.priceCents.toString(), p.id],
    after: ([, price, id]) => ({ OR: [{ priceCents: { lt: price } }, { priceCents: price, id: { lt: id } }] }),
  }),

  // Unrated products (null average) come last, so "after" a rated row also includes every unrated one.
  TOP_RATED: ordering({
    cursor: z.tuple([z.literal('TOP_RATED'), z.number().nullable(), cursorParts.id]),
    orderBy: [{ averageRating: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }],
    keyOf: (p) => ['TOP_RATED', p.averageRating, p.id] as ['TOP_RATED', number | null, string],
    after: ([, rating, id]) =>
      rating === null
        ? { averageRating: null, id: { gt: id } }
        : { OR: [{ averageRating: { lt: rating } }, { averageRating: rating, id: { gt: id } }, { averageRating: null }] },
  }),
};

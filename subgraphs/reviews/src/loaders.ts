/**
 * Per-request DataLoaders: one SQL statement per entity type and relation, however many rows a query
 * touches. A page of reviews for each of many products (or authors) is one LATERAL query.
 */
import { listLoader, newestPerParentSql, pageLoader, rowLoader } from '@commerce/kit/loaders';
import type { NewestKey } from '@commerce/kit/pagination';
import { sqlReader } from '@commerce/kit/prisma';
import type { Db, ReviewRow } from './db.js';

/** Every column of `reviews` (as `r`), as the Prisma field names (ReviewRow): a new column belongs here too. */
export const REVIEW_COLUMNS = `r.id, r.author_id AS "authorId", r.product_id AS "productId", r.rating, r.body,
  r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;

function reviewPages(db: Db, parentColumn: 'product_id' | 'author_id') {
  return (parentIds: string[], first: number, after: NewestKey | null) => {
    const [sql, ...values] = newestPerParentSql({ table: 'reviews', parentColumn, select: REVIEW_COLUMNS }, parentIds, first, after);
    return sqlReader(db).rows<ReviewRow>(sql, values);
  };
}

export function createLoaders(db: Db) {
  return {
    // Raw SQL on the hot path (every Review entity): see SqlReader.
    reviewById: rowLoader(
      (ids: readonly string[]) => sqlReader(db).rows<ReviewRow>(`SELECT ${REVIEW_COLUMNS} FROM reviews r WHERE r.id = ANY($1::uuid[])`, [ids]),
      (review) => review.id,
    ),
    reviewsByProduct: pageLoader(reviewPages(db, 'product_id'), (review) => review.productId),
    reviewsByAuthor: pageLoader(reviewPages(db, 'author_id'), (review) => review.authorId),
    /** Keys are `buyerId:productId`; a non-empty list means a confirmed purchase exists. */
    purchases: listLoader(
      (pairs: readonly string[]) =>
        db.purchase.findMany({
          where: {
            OR: pairs.map((pair) => {
              const [buyerId = '', productId = ''] = pair.split(':');
              return { buyerId, productId };
            }),
          },
          select: { buyerId: true, productId: true },
        }),
      (purchase) => `${purchase.buyerId}:${purchase.productId}`,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

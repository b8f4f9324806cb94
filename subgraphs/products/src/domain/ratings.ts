/**
 * The denormalized rating, kept from review events. Sum and count move by deltas, so events of
 * different reviews may apply in any order; the average is recomputed from them in the same UPDATE.
 */
import type { Tx } from '../db.js';

/** What one review event changes of its product's rating: the sum of ratings and the review count. */
export interface RatingDelta {
  productId: string;
  ratingDelta: number;
  countDelta: number;
}

/**
 * Applies a run of rating changes in one UPDATE: their sum per product, which is what applying them one
 * at a time leaves (a product this database does not hold changes nothing).
 */
export async function adjustRatings(tx: Tx, deltas: readonly RatingDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await tx.$executeRaw`
    UPDATE products p SET
      rating_sum = p.rating_sum + d.rating_delta,
      review_count = p.review_count + d.count_delta,
      average_rating = CASE WHEN p.review_count + d.count_delta > 0
        THEN (p.rating_sum + d.rating_delta)::float8 / (p.review_count + d.count_delta) END,
      updated_at = now()
    FROM (
      SELECT id, sum(rating_delta)::int AS rating_delta, sum(count_delta)::int AS count_delta
      FROM unnest(${deltas.map((d) => d.productId)}::uuid[], ${deltas.map((d) => d.ratingDelta)}::int[], ${deltas.map((d) => d.countDelta)}::int[])
        AS t(id, rating_delta, count_delta)
      GROUP BY id
    ) d
    WHERE p.id = d.id`;
}

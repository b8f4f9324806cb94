/**
 * The denormalized rating, kept from review events. Sum and count move by deltas, so events of
 * different reviews may apply in any order; the average is recomputed from them in the same UPDATE.
 */
import type { Tx } from '../db.js';

export async function adjustRating(tx: Tx, productId: string, ratingDelta: number, countDelta: number): Promise<void> {
  await tx.$executeRaw`
    UPDATE products SET
      rating_sum = rating_sum + ${ratingDelta},
      review_count = review_count + ${countDelta},
      average_rating = CASE WHEN review_count + ${countDelta} > 0
        THEN (rating_sum + ${ratingDelta})::float8 / (review_count + ${countDelta}) END,
      updated_at = now()
    WHERE id = ${productId}::uuid`;
}

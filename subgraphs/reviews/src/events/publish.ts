/** The events the reviews service writes to its outbox. */
import { newEvent } from '@commerce/kit/events/outbox';
import type { ReviewRow } from '../db.js';

const facts = (review: ReviewRow) => ({
  reviewId: review.id,
  productId: review.productId,
  authorId: review.authorId,
  rating: review.rating,
});

export const reviewAdded = (review: ReviewRow) => newEvent('ReviewAdded', review.id, facts(review));

export const reviewUpdated = (review: ReviewRow, previousRating: number) =>
  newEvent('ReviewUpdated', review.id, { ...facts(review), previousRating });

export const reviewDeleted = (review: ReviewRow) => newEvent('ReviewDeleted', review.id, facts(review));

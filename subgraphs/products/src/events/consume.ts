/** What the products service does with other services' events: ratings, and the stock saga. */
import type { BatchHandler, BatchItem, Handlers } from '@commerce/kit/events/consumer';
import type { PayloadOf } from '@commerce/kit/events/catalog';
import type { Tx } from '../db.js';
import { adjustRatings, type RatingDelta } from '../domain/ratings.js';
import { releaseStock, reserveStock } from '../domain/stock.js';
import { stockReleased, stockReservationRejected, stockReserved } from './publish.js';

type ReviewEvent = 'ReviewAdded' | 'ReviewUpdated' | 'ReviewDeleted';

function ratingDeltaOf({ event, payload }: BatchItem<PayloadOf<ReviewEvent>>): RatingDelta {
  const { productId, rating } = payload;
  if (event.type === 'ReviewAdded') return { productId, ratingDelta: rating, countDelta: 1 };
  if (event.type === 'ReviewDeleted') return { productId, ratingDelta: -rating, countDelta: -1 };
  return { productId, ratingDelta: rating - (payload as PayloadOf<'ReviewUpdated'>).previousRating, countDelta: 0 };
}

/** A run of review events (any mix of the three) in one UPDATE of the ratings they change. */
const ratings: BatchHandler<Tx, PayloadOf<ReviewEvent>> = {
  batch: (items, { tx }) => adjustRatings(tx, items.map(ratingDeltaOf)),
};

export const productHandlers: Handlers<Tx> = {
  ReviewAdded: ratings,
  ReviewUpdated: ratings,
  ReviewDeleted: ratings,

  // A run of orders reserved in three statements, each answered in its own event's trace.
  OrderPlaced: {
    batch: async (items, { tx }) => {
      const outcomes = await reserveStock(tx, items.map(({ payload }) => ({ orderId: payload.orderId, lines: payload.items })));
      for (const [index, { payload, publish }] of items.entries()) {
        const outcome = outcomes[index]!;
        await publish(outcome.reserved ? stockReserved(payload.orderId, payload.items) : stockReservationRejected(payload.orderId, outcome.reason));
      }
    },
  },

  OrderCancelled: async ({ orderId }, { tx, publish }) => {
    const released = await releaseStock(tx, orderId);
    if (released) await publish(stockReleased(orderId, released));
  },
};

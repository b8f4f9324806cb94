/** What the products service does with other services' events: ratings, and the stock saga. */
import type { Handlers } from '@commerce/kit/events/consumer';
import type { Tx } from '../db.js';
import { adjustRating } from '../domain/ratings.js';
import { releaseStock, reserveStock } from '../domain/stock.js';
import { stockReleased, stockReservationRejected, stockReserved } from './publish.js';

export const productHandlers: Handlers<Tx> = {
  ReviewAdded: ({ productId, rating }, { tx }) => adjustRating(tx, productId, rating, 1),
  ReviewUpdated: ({ productId, rating, previousRating }, { tx }) => adjustRating(tx, productId, rating - previousRating, 0),
  ReviewDeleted: ({ productId, rating }, { tx }) => adjustRating(tx, productId, -rating, -1),

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

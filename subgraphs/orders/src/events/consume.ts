/** What the orders service does with other services' events. */
import type { Handlers } from '@commerce/kit/events/consumer';
import type { Tx } from '../db.js';
import { applyProductSnapshot } from '../domain/catalog.js';
import { OrderService } from '../domain/order-service.js';
import { orderConfirmed, orderRejected } from './publish.js';

export const orderHandlers: Handlers<Tx> = {
  ProductCreated: (product, { tx }) => applyProductSnapshot(tx, product),
  ProductUpdated: (product, { tx }) => applyProductSnapshot(tx, product),

  // A run of reservations confirmed in one statement; each confirmed order's event goes out in the
  // trace of the first StockReserved that named it (a repeated order id is confirmed once).
  StockReserved: {
    batch: async (items, { tx }) => {
      const confirmed = await OrderService.confirm(tx, items.map(({ payload }) => payload.orderId));
      for (const { payload, publish } of items) {
        const order = confirmed.get(payload.orderId.toLowerCase());
        if (!order) continue;
        confirmed.delete(order.id);
        await publish(orderConfirmed(order, order.items));
      }
    },
  },

  StockReservationRejected: async ({ orderId, reason }, { tx, publish }) => {
    const order = await OrderService.reject(tx, orderId, reason);
    if (order) await publish(orderRejected(order, reason));
  },
};

/** What the orders service does with other services' events. */
import type { Handlers } from '@commerce/kit/events/consumer';
import type { Tx } from '../db.js';
import { applyProductSnapshot } from '../domain/catalog.js';
import { OrderService } from '../domain/order-service.js';
import { orderConfirmed, orderRejected } from './publish.js';

export const orderHandlers: Handlers<Tx> = {
  ProductCreated: (product, { tx }) => applyProductSnapshot(tx, product),
  ProductUpdated: (product, { tx }) => applyProductSnapshot(tx, product),

  StockReserved: async ({ orderId }, { tx, publish }) => {
    const order = await OrderService.confirm(tx, orderId);
    if (order) await publish(orderConfirmed(order, order.items));
  },

  StockReservationRejected: async ({ orderId, reason }, { tx, publish }) => {
    const order = await OrderService.reject(tx, orderId, reason);
    if (order) await publish(orderRejected(order, reason));
  },
};

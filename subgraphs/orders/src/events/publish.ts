/** The events the orders service writes to its outbox. */
import { newEvent } from '@commerce/kit/events/outbox';
import { centsForEvent } from '@commerce/kit/money';
import type { OrderRow } from '../db.js';

type Line = { productId: string; quantity: number };

function summary(order: Pick<OrderRow, 'id' | 'buyerId' | 'totalCents' | 'currency'>, lines: readonly Line[]) {
  return {
    orderId: order.id,
    buyerId: order.buyerId,
    totalCents: centsForEvent(order.totalCents),
    currency: order.currency,
    items: lines.map(({ productId, quantity }) => ({ productId, quantity })),
  };
}

export const orderPlaced = (order: OrderRow, lines: readonly Line[]) =>
  newEvent('OrderPlaced', order.id, summary(order, lines));

export const orderConfirmed = (order: Pick<OrderRow, 'id' | 'buyerId' | 'totalCents' | 'currency'>, lines: readonly Line[]) =>
  newEvent('OrderConfirmed', order.id, summary(order, lines));

export const orderCancelled = (order: OrderRow, lines: readonly Line[], wasConfirmed: boolean) =>
  newEvent('OrderCancelled', order.id, { ...summary(order, lines), wasConfirmed });

export const orderRejected = (order: OrderRow, reason: string) =>
  newEvent('OrderRejected', order.id, { orderId: order.id, buyerId: order.buyerId, reason });

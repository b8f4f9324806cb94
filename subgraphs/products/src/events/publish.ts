/** The events the products service writes to its outbox. */
import { newEvent } from '@commerce/kit/events/outbox';
import { centsForEvent } from '@commerce/kit/money';
import type { ProductRow } from '../db.js';

type Line = { productId: string; quantity: number };

/** A full snapshot, so a consumer's replica never needs an earlier event to make sense of this one. */
export const productChanged = (type: 'ProductCreated' | 'ProductUpdated', product: ProductRow) =>
  newEvent(type, product.id, {
    productId: product.id,
    sku: product.sku,
    name: product.name,
    priceCents: centsForEvent(product.priceCents),
    currency: product.currency,
    active: product.active,
    version: product.version,
  });

export const stockReserved = (orderId: string, items: Line[]) => newEvent('StockReserved', orderId, { orderId, items });

export const stockReservationRejected = (orderId: string, reason: string) =>
  newEvent('StockReservationRejected', orderId, { orderId, reason });

export const stockReleased = (orderId: string, items: Line[]) => newEvent('StockReleased', orderId, { orderId, items });

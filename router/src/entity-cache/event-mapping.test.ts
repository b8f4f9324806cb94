/**
 * Every event a service's consumer applies either changes cached fields, and the mapping purges them
 * once that service has applied it (`after`), or is listed here with why it changes none. A new handler
 * fails this test until one of the two is written down.
 */
import { describe, expect, it } from 'vitest';
import { cacheInvalidation } from '@commerce/kit/events/cache-invalidation';
import type { EventType, PayloadOf } from '@commerce/kit/events/catalog';
import type { ServiceName } from '@commerce/kit/service-config';
import { orderHandlers } from '../../../subgraphs/orders/src/events/consume.js';
import { productHandlers } from '../../../subgraphs/products/src/events/consume.js';
import { reviewHandlers } from '../../../subgraphs/reviews/src/events/consume.js';
import { userHandlers } from '../../../subgraphs/users/src/events/consume.js';

const handlers: Record<ServiceName, Partial<Record<EventType, unknown>>> = {
  users: userHandlers,
  products: productHandlers,
  reviews: reviewHandlers,
  orders: orderHandlers,
};

/** Handled events that change no cached field in the handling service. */
const changesNoCachedField: Partial<Record<ServiceName, Partial<Record<EventType, string>>>> = {
  products: {
    OrderPlaced: 'the stock it reserves is published as StockReserved in the same transaction (purged as such)',
    OrderCancelled: 'the stock it releases is published as StockReleased in the same transaction',
  },
  orders: {
    ProductCreated: 'a price snapshot for new orders; no field a query reads',
    ProductUpdated: 'a price snapshot for new orders; no field a query reads',
    StockReserved: 'the confirmation is published as OrderConfirmed in the same transaction',
    StockReservationRejected: 'the rejection is published as OrderRejected in the same transaction',
  },
  reviews: {
    ProductCreated: 'the known-products replica, which no query reads',
    ProductUpdated: 'the known-products replica, which no query reads',
  },
};

const U = '00000000-0000-4000-8000-000000000003';
const P = '00000000-0000-4000-8000-000000000001';
const anyPayload = { userId: U, productId: P, orderId: P, buyerId: U, reviewId: P, authorId: U, rating: 1, previousRating: 1, items: [{ productId: P, quantity: 1 }], totalCents: 1, currency: 'USD', wasConfirmed: true, reason: 'x', name: 'x', sku: 'x', priceCents: 1, active: true, version: 1 };

describe('derived effects in the cache mapping', () => {
  for (const [service, handled] of Object.entries(handlers) as [ServiceName, Partial<Record<EventType, unknown>>][]) {
    for (const type of Object.keys(handled) as EventType[]) {
      it(`${service} applying ${type} is purged after ${service} applied it, or changes no cached field`, () => {
        const effects = (cacheInvalidation[type] as (payload: PayloadOf<EventType>) => { after?: ServiceName; tags: string[] }[])(anyPayload as never);
        const derived = effects.some((effect) => effect.after === service && effect.tags.length > 0);
        const exempt = changesNoCachedField[service]?.[type];
        expect(derived || exempt !== undefined, `${type} in ${service}: add an effect with after: '${service}' or an exemption`).toBe(true);
        expect(derived && exempt !== undefined, `${type} in ${service} is both purged and exempt`).toBe(false);
      });
    }
  }
});

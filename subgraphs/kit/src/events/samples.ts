/**
 * One valid payload of every event type (the catalog's schemas accept each: cache-invalidation.test.ts
 * checks), for tests that need an event of each kind: the cache-tag mapping's, and the deployment
 * tests' derivation of which consumer groups the router's entity cache polls (CacheEffect.after).
 * The mapped type makes a new event type without a sample a type error.
 */
import type { ServiceName } from '../service-config.js';
import { cacheEffectsOf } from './cache-invalidation.js';
import type { EventType, PayloadOf } from './catalog.js';

const P = '00000000-0000-4000-8000-000000000001';
const Q = '00000000-0000-4000-8000-000000000002';
const U = '00000000-0000-4000-8000-000000000003';
const O = '00000000-0000-4000-8000-000000000004';
const R = '00000000-0000-4000-8000-000000000005';
/** The ids the samples use: product P and Q, user U, order O, review R. */
export const SAMPLE_IDS = { P, Q, U, O, R } as const;

const product = { productId: P, sku: 'SKU-1', name: 'One', priceCents: 100, currency: 'USD', active: true, version: 1 };
const lines = [{ productId: P, quantity: 1 }, { productId: Q, quantity: 2 }];
const review = { reviewId: R, productId: P, authorId: U, rating: 4 };
const order = { orderId: O, buyerId: U, totalCents: 500, currency: 'USD', items: lines };

export const eventSamples: { [T in EventType]: PayloadOf<T> } = {
  UserRegistered: { userId: U, name: 'Ann' },
  UserProfileUpdated: { userId: U, name: 'Ann' },
  ProductCreated: product,
  ProductUpdated: product,
  StockReserved: { orderId: O, items: lines },
  StockReservationRejected: { orderId: O, reason: 'out of stock' },
  StockReleased: { orderId: O, items: lines },
  ReviewAdded: review,
  ReviewUpdated: { ...review, previousRating: 2 },
  ReviewDeleted: review,
  OrderPlaced: order,
  OrderConfirmed: order,
  OrderRejected: { orderId: O, buyerId: U, reason: 'out of stock' },
  OrderCancelled: { ...order, wasConfirmed: true },
};

/**
 * The services whose consumers derive a cached change from some event (every `CacheEffect.after` of the
 * samples' effects), sorted: the consumer groups the router's entity cache reads the offsets of.
 */
export function derivingServices(): ServiceName[] {
  const after = (Object.keys(eventSamples) as EventType[]).flatMap((type) => cacheEffectsOf(type, eventSamples[type] as never).flatMap((effect) => effect.after ?? []));
  return [...new Set(after)].sort();
}

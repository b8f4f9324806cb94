/**
 * Every event the platform publishes: its topic (the owning service's), version and payload schema.
 * Producers validate payloads here before writing them to the outbox; consumers validate the same
 * schemas on receipt. This file is the event contract, as each schema.graphql is the API contract.
 */
import { z } from 'zod';
import type { ServiceName } from '../service-config.js';

const id = z.uuid();
/** One amount (a price, an order total): at most 2^53 - 1 cents, so a JSON number carries it exactly. */
const cents = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const currency = z.string().length(3);
const lines = z.array(z.object({ productId: id, quantity: z.number().int().positive() })).min(1);

const product = z.object({
  productId: id,
  sku: z.string(),
  name: z.string(),
  priceCents: cents,
  currency,
  active: z.boolean(),
  version: z.number().int().positive(),
});

const review = z.object({ reviewId: id, productId: id, authorId: id, rating: z.number().int().min(1).max(5) });

const orderTotal = z.object({ orderId: id, buyerId: id, totalCents: cents, currency, items: lines });

export const eventCatalog = {
  UserRegistered: { owner: 'users', version: 1, payload: z.object({ userId: id, name: z.string() }) },
  UserProfileUpdated: { owner: 'users', version: 1, payload: z.object({ userId: id, name: z.string() }) },

  ProductCreated: { owner: 'products', version: 1, payload: product },
  ProductUpdated: { owner: 'products', version: 1, payload: product },
  StockReserved: { owner: 'products', version: 1, payload: z.object({ orderId: id, items: lines }) },
  StockReservationRejected: {
    owner: 'products',
    version: 1,
    payload: z.object({ orderId: id, reason: z.string() }),
  },
  StockReleased: { owner: 'products', version: 1, payload: z.object({ orderId: id, items: lines }) },

  ReviewAdded: { owner: 'reviews', version: 1, payload: review },
  ReviewUpdated: { owner: 'reviews', version: 1, payload: review.extend({ previousRating: z.number().int().min(1).max(5) }) },
  ReviewDeleted: { owner: 'reviews', version: 1, payload: review },

  OrderPlaced: { owner: 'orders', version: 1, payload: orderTotal },
  OrderConfirmed: { owner: 'orders', version: 1, payload: orderTotal },
  OrderRejected: { owner: 'orders', version: 1, payload: z.object({ orderId: id, buyerId: id, reason: z.string() }) },
  /** `wasConfirmed`: stock was reserved and the order counted, so both must be undone. */
  OrderCancelled: { owner: 'orders', version: 1, payload: orderTotal.extend({ wasConfirmed: z.boolean() }) },
} as const satisfies Record<string, { owner: ServiceName; version: number; payload: z.ZodType }>;

export type EventType = keyof typeof eventCatalog;
export type PayloadOf<T extends EventType> = z.output<(typeof eventCatalog)[T]['payload']>;

/** The envelope every event travels in, validated on both sides. */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime(),
  aggregateId: z.string().min(1),
  payload: z.unknown(),
});

export type Envelope<P = unknown> = Omit<z.output<typeof envelopeSchema>, 'payload'> & { payload: P };

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalog, type);
}

/** The topic of a service's events, with the deployment's prefix (tests use one per suite). */
export function topicOf(owner: ServiceName, prefix = ''): string {
  return `${prefix}${owner}.events`;
}

/** The consumer group a service's event handlers run in, with the deployment's prefix. */
export function consumerGroupOf(service: ServiceName, prefix = ''): string {
  return `${prefix}${service}`;
}

export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

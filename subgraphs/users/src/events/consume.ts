/**
 * The users service's denormalized counters, kept from other services' events: reviews written,
 * confirmed orders and what they cost (a cancelled confirmed order is taken back out).
 */
import type { Handlers } from '@commerce/kit/events/consumer';
import type { Tx } from '../db.js';

/** Counts move by one; lifetime spend is BIGINT and moves by an order total (exact up to 2^53 - 1). */
type Counters = { reviewCount?: number; orderCount?: number; lifetimeSpendCents?: bigint };

/** updateMany: an event about a user this database never had changes nothing instead of failing. */
function adjust(tx: Tx, userId: string, by: Counters) {
  return tx.user.updateMany({
    where: { id: userId },
    data: Object.fromEntries(Object.entries(by).map(([field, delta]) => [field, { increment: delta }])),
  });
}

export const userHandlers: Handlers<Tx> = {
  ReviewAdded: async ({ authorId }, { tx }) => {
    await adjust(tx, authorId, { reviewCount: 1 });
  },
  ReviewDeleted: async ({ authorId }, { tx }) => {
    await adjust(tx, authorId, { reviewCount: -1 });
  },
  OrderConfirmed: async ({ buyerId, totalCents }, { tx }) => {
    await adjust(tx, buyerId, { orderCount: 1, lifetimeSpendCents: BigInt(totalCents) });
  },
  OrderCancelled: async ({ buyerId, totalCents, wasConfirmed }, { tx }) => {
    if (wasConfirmed) await adjust(tx, buyerId, { orderCount: -1, lifetimeSpendCents: -BigInt(totalCents) });
  },
};

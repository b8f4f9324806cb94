/**
 * The users service's denormalized counters, kept from other services' events: reviews written,
 * confirmed orders and what they cost (a cancelled confirmed order is taken back out).
 */
import type { BatchHandler, BatchItem, Handlers } from '@commerce/kit/events/consumer';
import type { PayloadOf } from '@commerce/kit/events/catalog';
import type { Tx } from '../db.js';

type CounterEvent = 'ReviewAdded' | 'ReviewDeleted' | 'OrderConfirmed' | 'OrderCancelled';

/** What one event changes of one user's counters (lifetime spend exact: BIGINT, totals up to 2^53 - 1). */
interface Delta {
  userId: string;
  reviews: number;
  orders: number;
  spendCents: bigint;
}

function deltaOf({ event, payload }: BatchItem<PayloadOf<CounterEvent>>): Delta | null {
  if (event.type === 'ReviewAdded' || event.type === 'ReviewDeleted') {
    const { authorId } = payload as PayloadOf<'ReviewAdded'>;
    return { userId: authorId, reviews: event.type === 'ReviewAdded' ? 1 : -1, orders: 0, spendCents: 0n };
  }
  const { buyerId, totalCents } = payload as PayloadOf<'OrderConfirmed'>;
  if (event.type === 'OrderConfirmed') return { userId: buyerId, reviews: 0, orders: 1, spendCents: BigInt(totalCents) };
  return (payload as PayloadOf<'OrderCancelled'>).wasConfirmed ? { userId: buyerId, reviews: 0, orders: -1, spendCents: -BigInt(totalCents) } : null;
}

/**
 * A run of counter events (of any of the four types, in any mix) in one UPDATE: the sum of their
 * changes per user, which is what applying them one at a time leaves. A user this database never had
 * changes nothing instead of failing. No lock-order deadlock: this group's batches run one at a time
 * (the consumer's lock) and requests change one user row per transaction.
 */
const counters: BatchHandler<Tx, PayloadOf<CounterEvent>> = {
  batch: async (items, { tx }) => {
    const deltas = items.map(deltaOf).filter((delta) => delta !== null);
    if (deltas.length === 0) return;
    await tx.$executeRaw`
      UPDATE users u SET
        review_count = u.review_count + d.reviews, order_count = u.order_count + d.orders,
        lifetime_spend_cents = u.lifetime_spend_cents + d.spend, updated_at = now()
      FROM (
        SELECT id, sum(reviews)::int AS reviews, sum(orders)::int AS orders, sum(spend)::bigint AS spend
        FROM unnest(${deltas.map((d) => d.userId)}::uuid[], ${deltas.map((d) => d.reviews)}::int[],
                    ${deltas.map((d) => d.orders)}::int[], ${deltas.map((d) => d.spendCents.toString())}::bigint[])
          AS t(id, reviews, orders, spend)
        GROUP BY id
      ) d
      WHERE u.id = d.id`;
  },
};

export const userHandlers: Handlers<Tx> = {
  ReviewAdded: counters,
  ReviewDeleted: counters,
  OrderConfirmed: counters,
  OrderCancelled: counters,
};

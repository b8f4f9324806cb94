/**
 * Which cached subgraph answers each event makes stale: the router's entity cache purges these tags
 * when it reads the event (router/src/entity-cache). Declared once, here beside the event catalog, so
 * a new event type cannot be added without saying what it invalidates (the mapped type below is
 * exhaustive over EventType, and cache-invalidation.test.ts checks the effects against the schemas).
 *
 * Tags name what a cache entry holds:
 * - `<Type>:<id>`: one entity (`Product:<uuid>`), whether fetched as an `_entities` representation in
 *   any subgraph (its fields there: `Product.reviews` lives in reviews) or as a root field's value;
 * - `Query.<field>`: every cached answer of a list root field (`Query.products`): pages are not keyed
 *   by entity, so a change that can move, add or drop an item purges them all;
 * - `type:<Type>`: every entry of a type, for a change whose entities the event does not name (which
 *   reviews a purchase verifies), and for the operator's purge by type.
 *
 * An effect with `after` is applied by another service's consumer (reviews publish `ReviewAdded`; the
 * products service then updates `Product.averageRating`): purging when the router reads the event would
 * let a read re-cache the old value in between, so the router purges those tags once that service's
 * consumer group has committed past the event (or after a bounded wait).
 */
import type { ServiceName } from '../service-config.js';
import type { EventType, PayloadOf } from './catalog.js';

export interface CacheEffect {
  /** Tags to purge: `<Type>:<id>` for entities, `Query.<field>` for list root fields. */
  tags: string[];
  /** The service whose consumer derives the change from this event; purge once it has applied it. */
  after?: ServiceName;
}

/** List root fields: cached whole, purged by their `Query.<field>` tag. */
export const LIST_ROOT_FIELDS = ['products', 'users'] as const;

/**
 * The list root fields whose pages hold entities of a type: a write to one purges them (read-your-writes).
 * Looked up with type names from requests (an admin's purge body, an answer's `__typename`, which a client
 * may alias onto any string), so it has no prototype: `constructor` or `__proto__` finds nothing.
 */
export const LIST_TAGS_OF_TYPE: Readonly<Record<string, readonly string[] | undefined>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, readonly string[]>, { Product: ['Query.products'], User: ['Query.users'] }),
);

/**
 * An entity's tag. Ids are UUIDs, which PostgreSQL and the subgraphs accept in either case; the tag
 * holds the canonical lower case, so an entry cached for `product(id: "<UPPER>")` meets the purge an
 * event (which carries the canonical id) makes.
 */
export const entityTag = (type: string, id: string) => `${type}:${id.toLowerCase()}`;
export const typeTag = (type: string) => `type:${type}`;
export const listTag = (field: (typeof LIST_ROOT_FIELDS)[number]) => `Query.${field}`;

const product = (id: string) => entityTag('Product', id);
const user = (id: string) => entityTag('User', id);
const order = (id: string) => entityTag('Order', id);
const review = (id: string) => entityTag('Review', id);
const products = listTag('products');
const users = listTag('users');

/**
 * Every event type → the cache effects of one event of it. An event that changes no cached field maps
 * to `[]` with a comment saying why, so the choice is visible.
 */
export const cacheInvalidation: { [T in EventType]: (payload: PayloadOf<T>) => CacheEffect[] } = {
  UserRegistered: ({ userId }) => [{ tags: [user(userId), users] }],
  UserProfileUpdated: ({ userId }) => [{ tags: [user(userId), users] }],

  // Products: the entity, and every product page (filters on stock, price, rating and `active`).
  ProductCreated: ({ productId }) => [{ tags: [product(productId), products] }],
  ProductUpdated: ({ productId }) => [{ tags: [product(productId), products] }],
  StockReserved: ({ items }) => [{ tags: [...items.map((item) => product(item.productId)), products] }],
  StockReleased: ({ items }) => [{ tags: [...items.map((item) => product(item.productId)), products] }],
  // Nothing changed in products; the order's rejection arrives as OrderRejected.
  StockReservationRejected: () => [],

  // The review itself, the product's and the author's review lists (reviews subgraph), then the
  // product's rating and count (products) and the author's reviewCount (users) once derived there.
  ReviewAdded: ({ reviewId, productId, authorId }) => reviewEffects(reviewId, productId, authorId),
  ReviewUpdated: ({ reviewId, productId, authorId }) => reviewEffects(reviewId, productId, authorId),
  ReviewDeleted: ({ reviewId, productId, authorId }) => reviewEffects(reviewId, productId, authorId),

  // The order, the buyer's order list; confirmation and cancellation also change the buyer's
  // orderCount / lifetimeSpend (users) and `verifiedPurchase` of the buyer's reviews (reviews).
  OrderPlaced: ({ orderId, buyerId }) => [{ tags: [order(orderId), user(buyerId)] }],
  OrderRejected: ({ orderId, buyerId }) => [{ tags: [order(orderId), user(buyerId)] }],
  OrderConfirmed: ({ orderId, buyerId, items }) => orderSettled(orderId, buyerId, items),
  OrderCancelled: ({ orderId, buyerId, items }) => orderSettled(orderId, buyerId, items),
};

function reviewEffects(reviewId: string, productId: string, authorId: string): CacheEffect[] {
  return [
    { tags: [review(reviewId), product(productId), user(authorId)] },
    { tags: [product(productId), products], after: 'products' },
    { tags: [user(authorId)], after: 'users' },
  ];
}

/**
 * `verifiedPurchase` of the buyer's reviews of these products changes in reviews: the reviews lists of
 * the buyer and the products by entity, and single reviews by type (the event names no review id).
 */
function orderSettled(orderId: string, buyerId: string, items: { productId: string }[]): CacheEffect[] {
  return [
    { tags: [order(orderId), user(buyerId)] },
    { tags: [user(buyerId)], after: 'users' },
    { tags: [user(buyerId), ...items.map((item) => product(item.productId)), typeTag('Review')], after: 'reviews' },
  ];
}

/** The effects of an event of a known type (payload already validated against the catalog). */
export function cacheEffectsOf<T extends EventType>(type: T, payload: PayloadOf<T>): CacheEffect[] {
  return (cacheInvalidation[type] as (payload: PayloadOf<T>) => CacheEffect[])(payload);
}

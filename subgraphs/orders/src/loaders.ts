/**
 * Per-request DataLoaders: one SQL statement per entity type and relation, however many rows a query
 * touches. A page of orders for each of many buyers is one LATERAL query.
 */
import { listLoader, newestPerParentSql, pageLoader, rowLoader } from '@commerce/kit/loaders';
import type { NewestKey } from '@commerce/kit/pagination';
import { sqlReader } from '@commerce/kit/prisma';
import type { Db, OrderItemRow, OrderRow } from './db.js';

/** Every column of `orders` (as `r`), as the Prisma field names (OrderRow): a new column belongs here too. */
export const ORDER_COLUMNS = `r.id, r.buyer_id AS "buyerId", r.status::text AS status, r.status_reason AS "statusReason",
  r.total_cents AS "totalCents", r.currency, r.created_at AS "createdAt", r.updated_at AS "updatedAt",
  r.confirmed_at AS "confirmedAt", r.rejected_at AS "rejectedAt", r.cancelled_at AS "cancelledAt"`;

/** Every column of `order_items`, as the Prisma field names (OrderItemRow): a new column belongs here too. */
export const ORDER_ITEM_COLUMNS = `id, order_id AS "orderId", position, product_id AS "productId", product_name AS "productName",
  unit_price_cents AS "unitPriceCents", currency, quantity`;

function ordersOfBuyers(db: Db) {
  return (buyerIds: string[], first: number, after: NewestKey | null) => {
    const [sql, ...values] = newestPerParentSql({ table: 'orders', parentColumn: 'buyer_id', select: ORDER_COLUMNS }, buyerIds, first, after);
    return sqlReader(db).rows<OrderRow>(sql, values);
  };
}

export function createLoaders(db: Db) {
  // Raw SQL on the hot path (every Order entity and its items): see SqlReader.
  const reader = sqlReader(db);
  return {
    orderById: rowLoader(
      (ids: readonly string[]) => reader.rows<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders r WHERE r.id = ANY($1::uuid[])`, [ids]),
      (order) => order.id,
    ),
    itemsByOrder: listLoader(
      (orderIds: readonly string[]) =>
        reader.rows<OrderItemRow>(`SELECT ${ORDER_ITEM_COLUMNS} FROM order_items WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, position`, [orderIds]),
      (item) => item.orderId,
    ),
    ordersByBuyer: pageLoader(ordersOfBuyers(db), (order) => order.buyerId),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

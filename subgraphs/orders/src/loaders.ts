/**
 * Per-request DataLoaders: one SQL statement per entity type and relation, however many rows a query
 * touches. A page of orders for each of many buyers is one LATERAL query.
 */
import { listLoader, newestPerParentSql, pageLoader, rowLoader } from '@commerce/kit/loaders';
import type { NewestKey } from '@commerce/kit/pagination';
import { sqlReader } from '@commerce/kit/prisma';
import type { Db, OrderRow } from './db.js';

const ORDER_COLUMNS = `r.id, r.buyer_id AS "buyerId", r.status::text AS status, r.status_reason AS "statusReason",
  r.total_cents AS "totalCents", r.currency, r.created_at AS "createdAt", r.updated_at AS "updatedAt",
  r.confirmed_at AS "confirmedAt", r.rejected_at AS "rejectedAt", r.cancelled_at AS "cancelledAt"`;

function ordersOfBuyers(db: Db) {
  return (buyerIds: string[], first: number, after: NewestKey | null) => {
    const [sql, ...values] = newestPerParentSql({ table: 'orders', parentColumn: 'buyer_id', select: ORDER_COLUMNS }, buyerIds, first, after);
    return sqlReader(db).rows<OrderRow>(sql, values);
  };
}

export function createLoaders(db: Db) {
  return {
    orderById: rowLoader(
      (ids: readonly string[]) => db.order.findMany({ where: { id: { in: [...ids] } } }),
      (order) => order.id,
    ),
    itemsByOrder: listLoader(
      (orderIds: readonly string[]) =>
        db.orderItem.findMany({ where: { orderId: { in: [...orderIds] } }, orderBy: [{ orderId: 'asc' }, { position: 'asc' }] }),
      (item) => item.orderId,
    ),
    ordersByBuyer: pageLoader(ordersOfBuyers(db), (order) => order.buyerId),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

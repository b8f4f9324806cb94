/**
 * `Query.products` without a filter, on the SQL reader: the storefront's catalog pages (every ordering's
 * first page, and the "newest" ordering's later pages) are the products service's hottest query, and
 * Prisma's per-row mapping cost more CPU than the statement (docs/performance.md, Optimisations). The
 * statement is the one Prisma sends for `ProductService.list` with no filter (`active` rows, the
 * ordering's sort, `first + 1` rows), so the rows, the page and the cursors are the same; a list with a
 * filter, or with a cursor of another ordering, goes to `ProductService.list`.
 */
import { decodeCursor, newestFirst, pageSize, toConnection, type Connection } from '@commerce/kit/pagination';
import { sqlReader } from '@commerce/kit/prisma';
import type { Db, ProductRow } from './db.js';
import type { ProductListArgs } from './domain/product-service.js';
import { orderings, type ProductOrder } from './domain/orderings.js';
import { PRODUCT_COLUMNS } from './loaders.js';

/** Each ordering's ORDER BY, as Prisma writes `orderings[...].orderBy` (served by the `active, …` indexes). */
const ORDER_BY: Record<ProductOrder, string> = {
  NEWEST: 'created_at DESC, id DESC',
  PRICE_ASC: 'price_cents ASC, id ASC',
  PRICE_DESC: 'price_cents DESC, id DESC',
  TOP_RATED: 'average_rating DESC NULLS LAST, id ASC',
};

const SQL = Object.fromEntries(
  Object.entries(ORDER_BY).map(([order, sort]) => [order, `SELECT ${PRODUCT_COLUMNS} FROM products WHERE active = true ORDER BY ${sort} LIMIT $1`]),
) as Record<ProductOrder, string>;

/** Newest first after a cursor: `(created_at, id) < (t, id)`, Prisma's `OR` of the two conditions. */
const NEWEST_AFTER = `SELECT ${PRODUCT_COLUMNS} FROM products
  WHERE active = true AND (created_at < $2 OR (created_at = $2 AND id < $3::uuid))
  ORDER BY created_at DESC, id DESC LIMIT $1`;

/**
 * The page for `args`, or null when it is not one this reader serves. Errors are those of
 * `ProductService.list`, in its order: `first` first, then the cursor.
 */
export async function readCatalogPage(db: Db, args: ProductListArgs): Promise<Connection<ProductRow> | null> {
  const first = pageSize(args.first);
  if (args.filter != null) return null;
  const order = args.orderBy ?? 'NEWEST';
  const reader = sqlReader(db);
  if (!args.after) {
    return toConnection(await reader.rows<ProductRow>(SQL[order], [first + 1]), first, orderings[order].keyOf);
  }
  if (order !== 'NEWEST') return null;
  const [, at, id] = decodeCursor(args.after, newestFirst.cursor);
  return toConnection(await reader.rows<ProductRow>(NEWEST_AFTER, [first + 1, new Date(at), id]), first, orderings.NEWEST.keyOf);
}

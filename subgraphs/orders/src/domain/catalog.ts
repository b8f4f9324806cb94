/**
 * The orders service's view of the catalog: a replica fed by products events, read by placeOrder to
 * validate lines and take name and price snapshots without calling the products service.
 */
import type { PayloadOf } from '@commerce/kit/events/catalog';
import { readReplica } from '@commerce/kit/events/replica';
import { sqlReader } from '@commerce/kit/prisma';
import type { CatalogProductRow, Db, Tx } from '../db.js';

/** Every column of `catalog_products`, as the Prisma field names (CatalogProductRow): a new column belongs here too. */
export const CATALOG_PRODUCT_COLUMNS = `id, name, price_cents AS "priceCents", currency, active, version, updated_at AS "updatedAt"`;

export class Catalog {
  constructor(
    private readonly db: Db,
    /** How long to wait for products the replica has not heard of yet. */
    private readonly waitMs: number,
  ) {}

  /**
   * The replica rows for `ids` (lower-case uuids), waiting up to `waitMs` for ones it has not heard of
   * yet. Read with the SQL reader: this runs for every `placeOrder`.
   */
  async products(ids: readonly string[]): Promise<Map<string, CatalogProductRow>> {
    const reader = sqlReader(this.db);
    const rows = await readReplica(
      () => reader.rows<CatalogProductRow>(`SELECT ${CATALOG_PRODUCT_COLUMNS} FROM catalog_products WHERE id = ANY($1::uuid[])`, [ids]),
      (found) => found.length === ids.length,
      this.waitMs,
    );
    return new Map(rows.map((row) => [row.id, row]));
  }
}

/** Applies a product snapshot unless the replica already holds the same or a newer version. */
export async function applyProductSnapshot(tx: Tx, product: PayloadOf<'ProductCreated'>): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO catalog_products (id, name, price_cents, currency, active, version, updated_at)
    VALUES (${product.productId}::uuid, ${product.name}, ${product.priceCents}, ${product.currency},
            ${product.active}, ${product.version}, now())
    ON CONFLICT (id) DO UPDATE SET
      name = EXCLUDED.name, price_cents = EXCLUDED.price_cents, currency = EXCLUDED.currency,
      active = EXCLUDED.active, version = EXCLUDED.version, updated_at = now()
    WHERE catalog_products.version < EXCLUDED.version`;
}

/**
 * The orders service's view of the catalog: a replica fed by products events, read by placeOrder to
 * validate lines and take name and price snapshots without calling the products service.
 */
import type { PayloadOf } from '@commerce/kit/events/catalog';
import { readReplica } from '@commerce/kit/events/replica';
import type { CatalogProductRow, Db, Tx } from '../db.js';

export class Catalog {
  constructor(
    private readonly db: Db,
    /** How long to wait for products the replica has not heard of yet. */
    private readonly waitMs: number,
  ) {}

  /** The replica rows for `ids`, waiting up to `waitMs` for ones it has not heard of yet. */
  async products(ids: readonly string[]): Promise<Map<string, CatalogProductRow>> {
    const rows = await readReplica(
      () => this.db.catalogProduct.findMany({ where: { id: { in: [...ids] } } }),
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

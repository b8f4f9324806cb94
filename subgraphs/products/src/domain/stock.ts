/**
 * The products side of the stock reservation saga. An order's lines are reserved all together or not
 * at all, in one transaction that locks the product rows (in id order, so concurrent reservations
 * cannot deadlock): concurrent orders queue on the locks and can never take more than there is.
 */
import type { Tx } from '../db.js';

export type Line = { productId: string; quantity: number };

export type Reservation = { reserved: true } | { reserved: false; reason: string };

export async function reserveStock(tx: Tx, orderId: string, lines: Line[]): Promise<Reservation> {
  const ids = lines.map((line) => line.productId);
  const products = await tx.$queryRaw<{ id: string; sku: string; stock: number; active: boolean }[]>`
    SELECT id, sku, stock, active FROM products WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  const byId = new Map(products.map((product) => [product.id, product]));
  for (const line of lines) {
    const product = byId.get(line.productId);
    if (!product) return { reserved: false, reason: `product ${line.productId} does not exist` };
    if (!product.active) return { reserved: false, reason: `${product.sku} is no longer sold` };
    if (product.stock < line.quantity) {
      return { reserved: false, reason: `out of stock: ${product.sku} has ${product.stock}, ${line.quantity} wanted` };
    }
  }
  await tx.$executeRaw`
    UPDATE products p SET stock = p.stock - w.quantity, updated_at = now()
    FROM unnest(${ids}::uuid[], ${lines.map((line) => line.quantity)}::int[]) AS w(id, quantity)
    WHERE p.id = w.id`;
  await tx.stockReservation.create({ data: { orderId, items: lines } });
  return { reserved: true };
}

/** Gives back what an order reserved; a second call (or one for an unreserved order) does nothing. */
export async function releaseStock(tx: Tx, orderId: string): Promise<Line[] | null> {
  const reservation = await tx.stockReservation.findUnique({ where: { orderId } });
  if (!reservation || reservation.status !== 'RESERVED') return null;
  const lines = reservation.items as Line[];
  await tx.$executeRaw`
    UPDATE products p SET stock = p.stock + w.quantity, updated_at = now()
    FROM unnest(${lines.map((l) => l.productId)}::uuid[], ${lines.map((l) => l.quantity)}::int[]) AS w(id, quantity)
    WHERE p.id = w.id`;
  await tx.stockReservation.update({ where: { orderId }, data: { status: 'RELEASED', releasedAt: new Date() } });
  return lines;
}

/**
 * The products side of the stock reservation saga. An order's lines are reserved all together or not
 * at all, in one transaction that locks the product rows (in id order, so concurrent reservations
 * cannot deadlock): concurrent orders queue on the locks and can never take more than there is.
 */
import type { Tx } from '../db.js';

export type Line = { productId: string; quantity: number };

export type Reservation = { reserved: true } | { reserved: false; reason: string };

/** One order's lines, as its OrderPlaced carries them. */
export type OrderLines = { orderId: string; lines: Line[] };

/**
 * Reserves the stock of a run of orders (consecutive OrderPlaced events) in their order: each order all
 * or nothing against the stock the orders before it left, as reserving them one transaction after the
 * other would. Three statements whatever the run's length — the product rows locked once (in id order),
 * one UPDATE of the stock, one INSERT of the reservations — since the consumer applies the run in one
 * transaction (docs/decisions.md, "Batch handlers"). An order reserved before fails the INSERT (its
 * primary key), which rolls the run back and lets the consumer apply its events one by one.
 */
export async function reserveStock(tx: Tx, orders: readonly OrderLines[]): Promise<Reservation[]> {
  const ids = [...new Set(orders.flatMap(({ lines }) => lines.map((line) => line.productId)))];
  const products = await tx.$queryRaw<{ id: string; sku: string; stock: number; active: boolean }[]>`
    SELECT id, sku, stock, active FROM products WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  const byId = new Map(products.map((product) => [product.id, product]));
  const taken = new Map<string, number>();
  const outcomes = orders.map(({ lines }): Reservation => {
    for (const line of lines) {
      const product = byId.get(line.productId);
      if (!product) return { reserved: false, reason: `product ${line.productId} does not exist` };
      if (!product.active) return { reserved: false, reason: `${product.sku} is no longer sold` };
      if (product.stock < line.quantity) {
        return { reserved: false, reason: `out of stock: ${product.sku} has ${product.stock}, ${line.quantity} wanted` };
      }
    }
    for (const line of lines) {
      byId.get(line.productId)!.stock -= line.quantity;
      taken.set(line.productId, (taken.get(line.productId) ?? 0) + line.quantity);
    }
    return { reserved: true };
  });
  const reserved = orders.filter((_, index) => outcomes[index]!.reserved);
  if (reserved.length === 0) return outcomes;
  await tx.$executeRaw`
    UPDATE products p SET stock = p.stock - w.quantity, updated_at = now()
    FROM unnest(${[...taken.keys()]}::uuid[], ${[...taken.values()]}::int[]) AS w(id, quantity)
    WHERE p.id = w.id`;
  await tx.stockReservation.createMany({ data: reserved.map(({ orderId, lines }) => ({ orderId, items: lines })) });
  return outcomes;
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

/**
 * Orders and their side of the stock reservation saga: placing (PENDING, with snapshots from the
 * catalog replica), cancelling, and moving to CONFIRMED or REJECTED when products answers.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { badUserInput, notFound, parseInput } from '@commerce/kit/errors';
import type { EventWriter } from '@commerce/kit/events/outbox';
import { MAX_AMOUNT_CENTS, sumOfLines } from '@commerce/kit/money';
import { newestFirst, readPage, toConnection, type Connection, type PageArgs } from '@commerce/kit/pagination';
import type { Db, OrderRow, OrderStatus, Tx } from '../db.js';
import type { Catalog } from './catalog.js';
import { orderCancelled, orderPlaced } from '../events/publish.js';


const placeInput = z.object({
  items: z
    .array(
      z.object({
        productId: z.uuid().transform((id) => id.toLowerCase()),
        quantity: z.number().int().min(1).max(100),
      }),
    )
    .min(1)
    .max(50)
    .refine((items) => new Set(items.map((item) => item.productId)).size === items.length, {
      message: 'each product may appear only once',
    }),
});

/** What the saga's confirmation returns: what OrderConfirmed carries. */
export type ConfirmedOrder = Pick<OrderRow, 'id' | 'buyerId' | 'totalCents' | 'currency'> & { items: { productId: string; quantity: number }[] };

export class OrderService {
  constructor(
    private readonly db: Db,
    private readonly events: EventWriter<Tx>,
    private readonly catalog: Catalog,
    private readonly currency: string,
  ) {}

  async place(buyerId: string, input: unknown): Promise<OrderRow> {
    const { items } = parseInput(placeInput, input, 'input');
    const products = await this.catalog.products(items.map((item) => item.productId));
    const lines = items.map((item, position) => {
      const product = products.get(item.productId);
      const field = `input.items.${position}.productId`;
      if (!product) throw notFound('Product', item.productId);
      if (!product.active) throw badUserInput(field, `${field}: ${product.name} is no longer sold`);
      if (product.currency !== this.currency) throw badUserInput(field, `${field}: priced in ${product.currency}`);
      return {
        position,
        productId: product.id,
        productName: product.name,
        unitPriceCents: product.priceCents,
        currency: product.currency,
        quantity: item.quantity,
      };
    });
    // Exact in bigint; one order's total is bounded so events carry it as an exact number.
    const totalCents = sumOfLines(lines);
    if (totalCents > MAX_AMOUNT_CENTS) throw badUserInput('input.items', `input.items: the order total is above ${MAX_AMOUNT_CENTS} cents`);

    const at = new Date();
    const order: OrderRow = {
      id: randomUUID(),
      buyerId,
      status: 'PENDING',
      statusReason: null,
      totalCents,
      currency: this.currency,
      createdAt: at,
      updatedAt: at,
      confirmedAt: null,
      rejectedAt: null,
      cancelledAt: null,
    };
    // The order, its lines and OrderPlaced in one statement, atomic on its own: one round trip where
    // Prisma's nested create in an interactive transaction took five (BEGIN, the order, its lines, the
    // outbox row, COMMIT), on the busiest write path (docs/performance.md, round 5). The lines' foreign
    // key is checked at the end of the statement, when the order row exists.
    const values = [
      order.id, buyerId, totalCents.toString(), this.currency, at.toISOString(),
      lines.map((line) => line.position), lines.map((line) => line.productId), lines.map((line) => line.productName),
      lines.map((line) => line.unitPriceCents.toString()), lines.map((line) => line.currency), lines.map((line) => line.quantity),
    ];
    await this.events.statement([orderPlaced(order, lines)], values, (outbox, statementValues) =>
      this.db.$executeRawUnsafe(
        `WITH lines AS (
           INSERT INTO order_items (id, order_id, position, product_id, product_name, unit_price_cents, currency, quantity)
           SELECT gen_random_uuid(), $1::uuid, l.position, l.product_id, l.product_name, l.unit_price_cents, l.currency, l.quantity
           FROM unnest($6::int[], $7::uuid[], $8::text[], $9::bigint[], $10::text[], $11::int[])
             AS l(position, product_id, product_name, unit_price_cents, currency, quantity)
         ), outbox AS (${outbox})
         INSERT INTO orders (id, buyer_id, status, total_cents, currency, created_at, updated_at)
         VALUES ($1::uuid, $2::uuid, 'PENDING', $3::bigint, $4, $5::timestamptz, $5::timestamptz)`,
        ...statementValues,
      ),
    );
    return order;
  }

  /**
   * Every buyer's orders, newest first (`Query.orders`, admins only), optionally of one status; keyset
   * pages on (createdAt, id), served by the orders_created_at_id / orders_status_created_at_id indexes.
   */
  async list(args: PageArgs & { status?: OrderStatus | null }): Promise<Connection<OrderRow>> {
    const { first, after } = readPage(args, newestFirst.cursor);
    const seek = after && { createdAt: new Date(after[1]), id: after[2] };
    const rows = await this.db.order.findMany({
      where: {
        ...(args.status && { status: args.status }),
        ...(seek && { OR: [{ createdAt: { lt: seek.createdAt } }, { createdAt: seek.createdAt, id: { lt: seek.id } }] }),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
    });
    return toConnection(rows, first, newestFirst.keyOf);
  }

  async cancel(id: string): Promise<OrderRow> {
    return this.events.transaction(async (tx, publish) => {
      const [current] = await tx.$queryRaw<{ status: string }[]>`
        SELECT status::text AS status FROM orders WHERE id = ${id}::uuid FOR UPDATE`;
      if (!current) throw notFound('Order', id);
      if (current.status === 'REJECTED' || current.status === 'CANCELLED') {
        throw badUserInput('id', `id: the order is already ${current.status.toLowerCase()}`);
      }
      const order = await tx.order.update({ where: { id }, data: { status: 'CANCELLED', cancelledAt: new Date() }, include: { items: true } });
      await publish(orderCancelled(order, order.items, current.status === 'CONFIRMED'));
      return order;
    });
  }

  /**
   * Saga: products reserved the stock of `orderIds` (a run of StockReserved events). A cancelled order
   * stays cancelled (products releases the stock). Returns what OrderConfirmed carries (lines in
   * position order) for each order that was PENDING, by id; an id given twice is confirmed once, as one
   * event after the other would. One statement for the whole run rather than Prisma's update, find and
   * include per order: this runs for every order on the consumer's hot path, in a process busy with
   * placeOrder requests where each statement waits for a turn of the event loop (docs/performance.md,
   * "Saga throughput").
   */
  static async confirm(tx: Tx, orderIds: readonly string[]): Promise<Map<string, ConfirmedOrder>> {
    const at = new Date();
    const rows = await tx.$queryRaw<{ id: string; buyerId: string; totalCents: bigint; currency: string; productId: string; quantity: number }[]>`
      WITH confirmed AS (
        UPDATE orders SET status = 'CONFIRMED', confirmed_at = ${at}, updated_at = ${at}
        WHERE id = ANY(${[...new Set(orderIds)]}::uuid[]) AND status = 'PENDING'
        RETURNING id, buyer_id, total_cents, currency
      )
      SELECT c.id::text AS "id", c.buyer_id::text AS "buyerId", c.total_cents AS "totalCents", c.currency AS "currency",
             i.product_id::text AS "productId", i.quantity AS "quantity"
      FROM confirmed c JOIN order_items i ON i.order_id = c.id
      ORDER BY c.id, i.position`;
    const confirmed = new Map<string, ConfirmedOrder>();
    for (const { id, buyerId, totalCents, currency, productId, quantity } of rows) {
      const order = confirmed.get(id) ?? { id, buyerId, totalCents, currency, items: [] };
      order.items.push({ productId, quantity });
      confirmed.set(id, order);
    }
    return confirmed;
  }

  /** Saga: products could not reserve the stock. */
  static async reject(tx: Tx, orderId: string, reason: string): Promise<OrderRow | null> {
    const { count } = await tx.order.updateMany({
      where: { id: orderId, status: 'PENDING' },
      data: { status: 'REJECTED', statusReason: reason, rejectedAt: new Date() },
    });
    return count === 1 ? tx.order.findUnique({ where: { id: orderId } }) : null;
  }
}

import { describe, expect, it } from 'vitest';
import type { Tx } from '../db.js';
import { reserveStock, type OrderLines } from './stock.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

/** A transaction that answers the locking read with `stock` and records the writes (values of the tagged templates). */
function fakeTx(stock: Record<string, number>, inactive: string[] = []) {
  const writes: { update?: unknown[]; reservations?: unknown } = {};
  const tx = {
    $queryRaw: async () => Object.entries(stock).map(([id, units]) => ({ id, sku: `SKU-${id.slice(-1)}`, stock: units, active: !inactive.includes(id) })),
    $executeRaw: async (_sql: TemplateStringsArray, ...values: unknown[]) => {
      writes.update = values;
      return 1;
    },
    stockReservation: {
      createMany: async ({ data }: { data: unknown }) => {
        writes.reservations = data;
        return { count: (data as unknown[]).length };
      },
    },
  };
  return { tx: tx as unknown as Tx, writes };
}

const order = (orderId: string, ...lines: [string, number][]): OrderLines => ({ orderId, lines: lines.map(([productId, quantity]) => ({ productId, quantity })) });

describe('reserveStock over a run of orders', () => {
  it('reserves each order against what the orders before it left, all or nothing per order', async () => {
    const { tx, writes } = fakeTx({ [A]: 5, [B]: 1 });
    const outcomes = await reserveStock(tx, [order('o1', [A, 3]), order('o2', [A, 3]), order('o3', [A, 1], [B, 2]), order('o4', [A, 2], [B, 1])]);
    expect(outcomes).toEqual([
      { reserved: true },
      { reserved: false, reason: 'out of stock: SKU-a has 2, 3 wanted' },
      { reserved: false, reason: 'out of stock: SKU-b has 1, 2 wanted' },
      { reserved: true },
    ]);
    // One UPDATE with the total taken per product, one INSERT of the reserved orders.
    expect(writes.update).toEqual([[A, B], [5, 1]]);
    expect(writes.reservations).toEqual([order('o1', [A, 3]), order('o4', [A, 2], [B, 1])].map(({ orderId, lines }) => ({ orderId, items: lines })));
  });

  it('refuses unknown and inactive products and writes nothing when no order is reserved', async () => {
    const { tx, writes } = fakeTx({ [A]: 5 }, [A]);
    expect(await reserveStock(tx, [order('o1', [A, 1]), order('o2', [B, 1])])).toEqual([
      { reserved: false, reason: 'SKU-a is no longer sold' },
      { reserved: false, reason: `product ${B} does not exist` },
    ]);
    expect(writes).toEqual({});
  });
});

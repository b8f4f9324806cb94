/** The orders service's Prisma client (generated from prisma/orders/schema.prisma). */
import type { PrismaClientOptions } from '@commerce/kit/prisma';
import { PrismaClient, type Order, type OrderItem, type CatalogProduct, Prisma } from './generated/prisma/client.js';

export type Db = PrismaClient;
export type OrderRow = Order;
export type OrderItemRow = OrderItem;
export type CatalogProductRow = CatalogProduct;

/** The Order, OrderItem and CatalogProduct models' scalar field names: what full rows hold. */
export const ORDER_FIELDS = Object.keys(Prisma.OrderScalarFieldEnum);
export const ORDER_ITEM_FIELDS = Object.keys(Prisma.OrderItemScalarFieldEnum);
export const CATALOG_PRODUCT_FIELDS = Object.keys(Prisma.CatalogProductScalarFieldEnum);
export type { OrderStatus } from './generated/prisma/enums.js';

/** Each service opens two clients with these options (see the kit's createSubgraphService). */
export const openDb = (options: PrismaClientOptions): Db => new PrismaClient(options);

/** The client inside an interactive transaction (what outbox writes and event handlers receive). */
export type Tx = Prisma.TransactionClient;

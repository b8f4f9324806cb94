/** The products service's Prisma client (generated from prisma/products/schema.prisma). */
import type { PrismaClientOptions } from '@commerce/kit/prisma';
import { PrismaClient, type Product, Prisma } from './generated/prisma/client.js';

export type Db = PrismaClient;
export type ProductRow = Product;

/** The Product model's scalar field names: what a full `ProductRow` holds. */
export const PRODUCT_FIELDS = Object.keys(Prisma.ProductScalarFieldEnum);
export type ProductWhere = Prisma.ProductWhereInput;
export type ProductOrderBy = Prisma.ProductOrderByWithRelationInput;

/** Each service opens two clients with these options (see the kit's createSubgraphService). */
export const openDb = (options: PrismaClientOptions): Db => new PrismaClient(options);

/** The client inside an interactive transaction (what outbox writes and event handlers receive). */
export type Tx = Prisma.TransactionClient;

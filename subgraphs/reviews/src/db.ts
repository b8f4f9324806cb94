/** The reviews service's Prisma client (generated from prisma/reviews/schema.prisma). */
import type { PrismaClientOptions } from '@commerce/kit/prisma';
import { PrismaClient, type Review, Prisma } from './generated/prisma/client.js';

export type Db = PrismaClient;
export type ReviewRow = Review;

/** The Review model's scalar field names: what a full `ReviewRow` holds. */
export const REVIEW_FIELDS = Object.keys(Prisma.ReviewScalarFieldEnum);

/** Each service opens two clients with these options (see the kit's createSubgraphService). */
export const openDb = (options: PrismaClientOptions): Db => new PrismaClient(options);

/** The client inside an interactive transaction (what outbox writes and event handlers receive). */
export type Tx = Prisma.TransactionClient;

/** The users service's Prisma client (generated from prisma/users/schema.prisma). */
import type { PrismaClientOptions } from '@commerce/kit/prisma';
import { PrismaClient, type User, Prisma } from './generated/prisma/client.js';

export type Db = PrismaClient;
export type UserRow = User;

/** The User model's scalar field names: what a full `UserRow` holds. */
export const USER_FIELDS = Object.keys(Prisma.UserScalarFieldEnum);

/** Each service opens two clients with these options (see the kit's createSubgraphService). */
export const openDb = (options: PrismaClientOptions): Db => new PrismaClient(options);

/** The client inside an interactive transaction (what outbox writes and event handlers receive). */
export type Tx = Prisma.TransactionClient;

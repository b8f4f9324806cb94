/** The users service's Prisma client (generated from prisma/users/schema.prisma). */
import { countQueries, prismaClientOptions } from '@commerce/kit/prisma';
import type { Metrics } from '@commerce/kit/metrics';
import { PrismaClient, type User, type Prisma } from './generated/prisma/client.js';
import type { Config } from './config.js';

export type Db = PrismaClient;
export type UserRow = User;

export function createDb(config: Config, metrics: Metrics): Db {
  const db = new PrismaClient(prismaClientOptions(config.DATABASE_URL, config.DATABASE_POOL_SIZE));
  countQueries(db, metrics);
  return db;
}

/** The client inside an interactive transaction (what outbox writes and event handlers receive). */
export type Tx = Prisma.TransactionClient;

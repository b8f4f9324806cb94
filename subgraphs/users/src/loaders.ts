/** Per-request DataLoaders: one SQL statement per entity type, however many rows a query touches. */
import { rowLoader } from '@commerce/kit/loaders';
import { sqlReader } from '@commerce/kit/prisma';
import type { Db, UserRow } from './db.js';

/** Every column of `users`, as the Prisma field names (UserRow): a new column belongs here too. */
export const USER_COLUMNS = `id, email, name, password_hash AS "passwordHash", role::text AS role, created_at AS "createdAt",
  updated_at AS "updatedAt", order_count AS "orderCount", lifetime_spend_cents AS "lifetimeSpendCents", review_count AS "reviewCount"`;

export function createLoaders(db: Db) {
  return {
    // Raw SQL on the hot path (every User entity fetch): see SqlReader.
    userById: rowLoader(
      (ids: readonly string[]) => sqlReader(db).rows<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ANY($1::uuid[])`, [ids]),
      (user) => user.id,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

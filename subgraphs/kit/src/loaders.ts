/**
 * DataLoader shapes every service needs. Batch functions run one SQL statement for all keys a request
 * asked for in one tick; these helpers put the rows back in key order.
 */
import DataLoader from 'dataloader';
import { newestFirst, readPage, toConnection, type Connection, type NewestKey, type PageArgs } from './pagination.js';

/** One row (or null) per key, e.g. entity references by id. */
export function rowLoader<K, V>(
  fetch: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (row: V) => K,
): DataLoader<K, V | null> {
  return new DataLoader(async (keys) => {
    const byKey = new Map<K, V>();
    for (const row of await fetch(keys)) byKey.set(keyOf(row), row);
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** A list of rows per key, e.g. the items of each order. */
export function listLoader<K, V>(
  fetch: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (row: V) => K,
): DataLoader<K, V[]> {
  return new DataLoader(async (keys) => {
    const byKey = new Map<K, V[]>(keys.map((key) => [key, []]));
    for (const row of await fetch(keys)) byKey.get(keyOf(row))?.push(row);
    return keys.map((key) => byKey.get(key) ?? []);
  });
}

/**
 * One page of a relation per parent (e.g. `Product.reviews(first, after)` for every product in a list).
 * Keys that share page arguments are fetched together by `fetchPages` (one windowed query); the result
 * holds up to `first + 1` rows per parent so the connection can tell whether a next page exists.
 */
export interface PageKey<C> {
  parentId: string;
  first: number;
  after: C | null;
}

/** The page arguments of a key as text (the cursor JSON-encoded only when there is one). */
const pageArgs = (first: number, after: unknown): string => (after === null ? `${first}` : `${first}|${JSON.stringify(after)}`);

export function pageLoader<C, V>(
  fetchPages: (parentIds: string[], first: number, after: C | null) => Promise<readonly V[]>,
  parentOf: (row: V) => string,
): DataLoader<PageKey<C>, V[], string> {
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, { first: number; after: C | null; parentIds: string[] }>();
      for (const key of keys) {
        const args = pageArgs(key.first, key.after);
        const group = groups.get(args) ?? { first: key.first, after: key.after, parentIds: [] };
        group.parentIds.push(key.parentId);
        groups.set(args, group);
      }
      const rowsByKey = new Map<string, V[]>();
      await Promise.all(
        [...groups.entries()].map(async ([args, group]) => {
          for (const row of await fetchPages(group.parentIds, group.first, group.after)) {
            const key = `${parentOf(row)}|${args}`;
            const rows = rowsByKey.get(key) ?? [];
            rows.push(row);
            rowsByKey.set(key, rows);
          }
        }),
      );
      return keys.map((key) => rowsByKey.get(`${key.parentId}|${pageArgs(key.first, key.after)}`) ?? []);
    },
    // Parent ids are UUIDs (no `|`), so the joined text names one parent and one page.
    { cacheKeyFn: (key) => `${key.parentId}|${pageArgs(key.first, key.after)}` },
  );
}

/**
 * SQL for `pageLoader`: the newest `first + 1` rows after `after` of each parent, one index seek per
 * parent (LATERAL), one round trip for all. `select` lists the columns (aliased to the Prisma field
 * names) taken from `r`; table and column names come from code, never from input.
 */
export function newestPerParentSql(
  spec: { table: string; parentColumn: string; select: string },
  parentIds: string[],
  first: number,
  after: NewestKey | null,
): [string, ...unknown[]] {
  const cursor = after ? 'AND (t.created_at, t.id) < ($3::timestamptz, $4::uuid)' : '';
  const sql = `
    SELECT ${spec.select}
    FROM unnest($1::uuid[]) AS parent(id)
    CROSS JOIN LATERAL (
      SELECT * FROM ${spec.table} t
      WHERE t.${spec.parentColumn} = parent.id ${cursor}
      ORDER BY t.created_at DESC, t.id DESC
      LIMIT $2
    ) r`;
  return after ? [sql, parentIds, first + 1, new Date(after[1]), after[2]] : [sql, parentIds, first + 1];
}

/** Resolves a "newest first" relation page (`User.reviews(first, after)` and the like) through its loader. */
export async function loadNewestPage<V extends { createdAt: Date; id: string }>(
  loader: DataLoader<PageKey<NewestKey>, V[], string>,
  parentId: string,
  args: PageArgs,
): Promise<Connection<V>> {
  const { first, after } = readPage(args, newestFirst.cursor);
  return toConnection(await loader.load({ parentId, first, after }), first, newestFirst.keyOf);
}

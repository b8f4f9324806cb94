/**
 * Relay connections with keyset pagination. A cursor is the sort key of its row (ordering name first,
 * so a cursor from one ordering is refused by another), JSON then base64url: opaque to clients, cheap
 * to seek from with an index, stable while rows are inserted.
 */
import { z } from 'zod';
import { badUserInput } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

export interface Page<C> {
  first: number;
  after: C | null;
}

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<C>(cursor: string, schema: z.ZodType<C>): C {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badUserInput('after', 'after: not a cursor returned by this field');
  }
  const parsed = schema.safeParse(key);
  if (!parsed.success) throw badUserInput('after', 'after: not a cursor returned by this field');
  return parsed.data;
}

/** `first` checked (0..100) and defaulted (20). */
export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badUserInput('first', `first: must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/** Checks `first` and decodes `after` with the ordering's cursor schema. */
export function readPage<C>(args: PageArgs, cursor: z.ZodType<C>): Page<C> {
  return { first: pageSize(args.first), after: args.after ? decodeCursor(args.after, cursor) : null };
}

/**
 * Builds the connection from rows fetched with `take: first + 1`: the extra row only says that a next
 * page exists. `keyOf` returns the row's cursor key (the same tuple the cursor schema accepts).
 */
export function toConnection<T>(rows: readonly T[], first: number, keyOf: (row: T) => unknown): Connection<T> {
  const page = rows.slice(0, first);
  // Cursors are encoded when read: most queries of a list (every nested one) never ask for them.
  const edges = page.map((node): Edge<T> => {
    let cursor: string | undefined;
    return {
      get cursor() {
        return (cursor ??= encodeCursor(keyOf(node)));
      },
      node,
    };
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}

/** Cursor key pieces most orderings use: an ISO timestamp and a UUID tie-breaker. */
export const cursorParts = {
  timestamp: z.iso.datetime(),
  id: z.uuid(),
};

/** "Newest first" (createdAt desc, id desc), the order of every list but the product catalog's. */
export const newestFirst = {
  cursor: z.tuple([z.literal('NEWEST'), cursorParts.timestamp, cursorParts.id]),
  keyOf: (row: { createdAt: Date; id: string }) => ['NEWEST', row.createdAt.toISOString(), row.id] as const,
};

export type NewestKey = z.output<typeof newestFirst.cursor>;

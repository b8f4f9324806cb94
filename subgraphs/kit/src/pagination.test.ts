import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor, newestFirst, pageSize, toConnection } from './pagination.js';

const badUserInput = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof GraphQLError && error.extensions.code === 'BAD_USER_INPUT';
  }
  return false;
};

describe('pagination', () => {
  it('round-trips every newest-first cursor key', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.uuid(), (date, id) => {
        const key = newestFirst.keyOf({ createdAt: date, id });
        expect(decodeCursor(encodeCursor(key), newestFirst.cursor)).toEqual([...key]);
      }),
    );
  });

  it('refuses any string that is not one of its cursors as BAD_USER_INPUT', () => {
    fc.assert(fc.property(fc.string(), (cursor) => badUserInput(() => decodeCursor(cursor, newestFirst.cursor))));
  });

  it('accepts first from 0 to 100, defaults to 20, and refuses the rest as BAD_USER_INPUT', () => {
    expect(pageSize(undefined)).toBe(20);
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), (first) => pageSize(first) === first));
    fc.assert(
      fc.property(fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 101 }), fc.double({ noInteger: true })), (first) =>
        badUserInput(() => pageSize(first)),
      ),
    );
  });

  it('says there is a next page only when the extra row came back', () => {
    const rows = Array.from({ length: 4 }, (_, i) => ({ id: String(i) }));
    expect(toConnection(rows, 3, (row) => row.id).pageInfo).toMatchObject({ hasNextPage: true, endCursor: encodeCursor('2') });
    expect(toConnection(rows, 4, (row) => row.id).pageInfo.hasNextPage).toBe(false);
  });
});

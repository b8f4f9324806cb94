import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseTimestamptz, poolConnectionString } from './prisma.js';

const postgresDate = pg.types.getTypeParser(1184, 'text') as (text: string) => Date;
const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** A timestamptz as PostgreSQL writes it: fraction without trailing zeros, offset `+00` in a UTC session. */
const timestamptz = fc
  .record({
    year: fc.integer({ min: 1, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    micros: fc.integer({ min: 0, max: 999_999 }),
    digits: fc.integer({ min: 0, max: 6 }),
    offset: fc.constantFrom('+00', '+00', '+00', '+01', '-05:30', '+00 BC'),
  })
  .map(({ year, month, day, hour, minute, second, micros, digits, offset }) => {
    const fraction = digits === 0 ? '' : `.${pad(micros, 6).slice(0, digits)}`.replace(/\.?0+$/, '');
    return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction}${offset}`;
  });

describe('parseTimestamptz', () => {
  it('gives the Date node-postgres gives, for every timestamptz PostgreSQL writes', () => {
    fc.assert(
      fc.property(timestamptz, (text) => {
        expect(parseTimestamptz(text).getTime()).toBe(postgresDate(text).getTime());
      }),
      { numRuns: 2000 },
    );
    for (const text of ['2026-11-30 16:03:37+00', '2026-11-30 16:03:37.1+00', '2026-11-30 16:03:37.123+00', '2026-11-30 16:03:37.123456+00', '0099-01-01 00:00:00+00', '1970-01-01 00:00:00.001+00']) {
      expect(parseTimestamptz(text).getTime()).toBe(postgresDate(text).getTime());
    }
    expect(parseTimestamptz('infinity')).toBe(postgresDate('infinity'));
  });
});

describe('poolConnectionString', () => {
  it('labels each pool <service>-<source>, keeping the other parameters', () => {
    const url = 'postgresql://postgres:secret@127.0.0.1:5432/commerce_reviews?connection_limit=5';
    expect(new URL(poolConnectionString(url, 'reviews', 'graphql')).searchParams.get('application_name')).toBe('reviews-graphql');
    const events = new URL(poolConnectionString(url, 'reviews', 'events'));
    expect(events.searchParams.get('application_name')).toBe('reviews-events');
    expect(events.searchParams.get('connection_limit')).toBe('5');
    expect(`${events.username}:${events.password}@${events.host}${events.pathname}`).toBe('postgres:secret@127.0.0.1:5432/commerce_reviews');
  });

  it("prefixes the label with the URL's own application_name when it has one", () => {
    expect(new URL(poolConnectionString('postgresql://h/db?application_name=run-7', 'users', 'events')).searchParams.get('application_name')).toBe('run-7-events');
  });
});

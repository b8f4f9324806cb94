import { describe, expect, it } from 'vitest';
import { poolConnectionString } from './prisma.js';

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

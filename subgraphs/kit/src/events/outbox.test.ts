import { describe, expect, it } from 'vitest';
import { newEvent, outboxInsert } from './outbox.js';

const userId = '7a1b3c5d-0000-4000-8000-000000000001';
const event = (name: string) => newEvent('UserRegistered', userId, { userId, name });

describe('the outbox INSERT for a caller’s statement', () => {
  it('numbers its parameters from the one it is given, five per event, in event order', () => {
    const [first, second] = [event('a'), event('b')];
    const insert = outboxInsert([{ event: first, headers: { traceparent: 't' } }, { event: second, headers: {} }], 'p.', 12);
    expect(insert.sql).toBe(
      'INSERT INTO outbox_events (id, topic, key, envelope, headers, created_at) VALUES ' +
        '($12::uuid, $13, $14, $15::jsonb, $16::jsonb, clock_timestamp()), ($17::uuid, $18, $19, $20::jsonb, $21::jsonb, clock_timestamp())',
    );
    expect(insert.values).toEqual([
      first.id, 'p.users.events', userId, JSON.stringify(first), '{"traceparent":"t"}',
      second.id, 'p.users.events', userId, JSON.stringify(second), '{}',
    ]);
  });
});

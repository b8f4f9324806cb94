import { describe, expect, it } from 'vitest';
import { requestFor } from './tokens.js';

const tokens = { readers: ['r0', 'r1'], writers: ['w0'], ids: { readers: ['u0', 'u1'], writers: ['u9'] } };

describe('requestFor', () => {
  it('carries the token of the spec\'s account from its pool', () => {
    expect(requestFor({ query: '{ me { id } }', variables: {}, user: 1, pool: 'readers' }, tokens)).toEqual({
      body: '{"query":"{ me { id } }","variables":{}}',
      headers: { authorization: 'Bearer r1' },
    });
    expect(requestFor({ query: 'q', variables: { a: 1 }, user: 0, pool: 'writers' }, tokens).headers).toEqual({ authorization: 'Bearer w0' });
  });

  it('expects the user\'s own id in an answer about them', () => {
    expect(requestFor({ query: '{ me { id } }', variables: {}, user: 1, pool: 'readers', aboutUser: true }, tokens).expect).toBe('"me":{"id":"u1"');
    expect(requestFor({ query: '{ me { id } }', variables: {}, user: 1, pool: 'readers' }, tokens).expect).toBeUndefined();
  });

  it('sends no token for an anonymous spec', () => {
    expect(requestFor({ query: 'q', variables: {}, user: null, pool: 'readers' }, tokens).headers).toEqual({});
  });

  it('refuses an account outside the pool', () => {
    expect(() => requestFor({ query: 'q', variables: {}, user: 2, pool: 'readers' }, tokens)).toThrow(/readers account 2/);
  });
});

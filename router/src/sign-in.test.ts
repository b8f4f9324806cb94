import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectOperation } from './operation.js';
import { analyzeSignIns, signInTokens } from './sign-in.js';
import { testSchema } from './stages/testing.js';

function analyze(query: string, operationName?: string) {
  const { self, keys } = analyzeSignIns(selectOperation(parse(query), operationName), testSchema);
  return { self: [...self].map((node) => node.name.value).sort(), keys };
}

describe('sign-in payloads', () => {
  it("finds the fields under a root logIn's user, through aliases, inline fragments and fragments", () => {
    expect(analyze('mutation { a: logIn(email: "e", password: "p") { token ... on AuthPayload { user { ...U } } } } fragment U on User { id friends { secret } }')).toEqual({
      self: ['friends', 'id', 'secret'],
      keys: ['a'],
    });
    expect(analyze('mutation { ...M } fragment M on Mutation { logIn(email: "e", password: "p") { user { id } } }')).toEqual({ self: ['id'], keys: ['logIn'] });
  });

  it('relaxes nothing in queries, outside the payload, or in a fragment also spread elsewhere', () => {
    expect(analyze('{ me { secret } }')).toEqual({ self: [], keys: [] });
    expect(analyze('mutation { logIn(email: "e", password: "p") { token user { ...U } } deleteUser(id: "1") } fragment U on User { secret }')).toEqual({
      self: ['secret'],
      keys: ['logIn'],
    });
    // A fragment spread both under the payload's user and outside the payload is judged as outside.
    expect(analyze('mutation { logIn(email: "e", password: "p") { user { ...U friends { id } } } touch { ...U } } fragment U on User { secret }')).toEqual({
      self: ['friends', 'id'],
      keys: ['logIn'],
    });
  });

  it('reads only JWT-shaped strings directly in the sign-in payloads it was told about', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';
    expect(signInTokens({ a: { t: jwt, user: { token: jwt } }, other: { token: jwt } }, ['a'])).toEqual([jwt]);
    expect(signInTokens({ logIn: null }, ['logIn'])).toEqual([]);
    expect(signInTokens({ logIn: { token: 'not a jwt', __typename: 'AuthPayload' } }, ['logIn'])).toEqual([]);
    expect(signInTokens(null, ['logIn'])).toEqual([]);
  });
});

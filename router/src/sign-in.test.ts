import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectOperation } from './operation.js';
import { analyzeSignIns, SIGN_IN_TOKEN_ALIAS, signInTokens, withoutSignInTokens, withSignInTokens } from './sign-in.js';
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

  it("asks each sign-in payload the fetch carries for its token, whatever the client selected, and strips it from the answer", () => {
    const fetch = 'mutation($e:String!,$p:String!){in:logIn(email:$e,password:$p){user{id}}}';
    const asked = withSignInTokens(fetch, ['in']);
    expect(asked).toContain(`${SIGN_IN_TOKEN_ALIAS}: token`);
    expect(parse(asked).definitions).toHaveLength(1);
    // Not a sign-in field under that key, another key, or a query: unchanged.
    expect(withSignInTokens(fetch, ['logIn'])).toBe(fetch);
    expect(withSignInTokens('mutation{logIn:updateProfile(input:{name:"x"}){id}}', ['logIn'])).toBe('mutation{logIn:updateProfile(input:{name:"x"}){id}}');
    expect(withSignInTokens('query{me{id}}', ['logIn'])).toBe('query{me{id}}');

    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';
    const data = { in: { user: { id: '1' }, [SIGN_IN_TOKEN_ALIAS]: jwt } };
    expect(signInTokens(data, ['in'])).toEqual([jwt]);
    withoutSignInTokens(data, ['in']);
    expect(data).toEqual({ in: { user: { id: '1' } } });
  });
});

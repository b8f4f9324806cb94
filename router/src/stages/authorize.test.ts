import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { Rejection } from '../rejection.js';
import { authorizeStage, restoreRemoved, unauthorizedErrors } from './authorize.js';
import { documentStage } from './document.js';
import { limitsStage } from './limits.js';
import { initialState } from './stage.js';
import { post, runStages, testLog, testMetadata , DOCUMENT_OPTIONS } from './testing.js';

const document = documentStage(DOCUMENT_OPTIONS);
const limits = limitsStage(
  { LIMITS_MODE: 'enforce', MAX_DEPTH: 15, MAX_HEIGHT: 200, MAX_ROOT_FIELDS: 20, MAX_ALIASES: 30, MAX_DIRECTIVES: 50, MAX_EXPANDED_FIELDS: 10_000 },
  testLog,
);

async function authorize(query: string, claims: Record<string, unknown> | null, reject = false, variables?: Record<string, unknown>) {
  const state = initialState(post({ query }), testMetadata);
  state.raw = { query, ...(variables ? { variables } : {}) };
  state.query = query;
  state.claims = claims;
  for (const stage of [document, limits]) await stage.run(state);
  const response = await authorizeStage({ AUTHZ_REJECT_UNAUTHORIZED: reject }).run(state);
  return { state, response };
}

describe('stage authorize', () => {
  it('removes what an anonymous caller may not see, keeps the rest, and records every path', async () => {
    const { state } = await authorize('{ me { id } user(id: "1") { name secret friends { secret } } }', null);
    expect(state.query).not.toMatch(/secret|\bme\b/);
    expect(state.query).toMatch(/user\(id: "1"\)/);
    expect(unauthorizedErrors(state.removed).map((error) => error.path?.join('.'))).toEqual(['me', 'user.secret', 'user.friends.@.secret']);
    expect(restoreRemoved({ user: { name: 'n', friends: [{ __authorization_typename: 'User' }] } }, state.removed)).toEqual({
      me: null,
      user: { name: 'n', secret: null, friends: [{ secret: null }] },
    });
  });

  it('leaves a valid rewrite: variables and fragments only removed fields used go with them', async () => {
    const valid = (query: string) => validate(testMetadata.apiSchema, parse(query)).map((error) => error.message);
    const withVariable = await authorize('query($show: Boolean!) { tags me @include(if: $show) { id } }', null, false, { show: false });
    expect(withVariable.state.query).not.toMatch(/\$show|\bme\b/);
    expect(valid(withVariable.state.query!)).toEqual([]);
    const withFragment = await authorize('{ tags me { ...U } } fragment U on User { id ...V } fragment V on User { name }', null);
    expect(withFragment.state.query).not.toMatch(/fragment/);
    expect(valid(withFragment.state.query!)).toEqual([]);
    // A fragment still spread elsewhere stays.
    const shared = await authorize('{ me { ...U } user(id: "1") { ...U } } fragment U on User { id }', null);
    expect(shared.state.query).toMatch(/fragment U on User/);
    expect(valid(shared.state.query!)).toEqual([]);
  });

  it('judges the operation as sent: an invalid one is left whole for validation, bad variables are 400 BAD_USER_INPUT', async () => {
    const invalid = '{ me { nonexistentField } }';
    const { state, response } = await authorize(invalid, null);
    expect(response).toBeUndefined();
    expect(state.query).toBe(invalid);
    expect(state.removed).toEqual([]);
    const missing = authorize('query($id: ID!) { tags me { id } user(id: $id) { name } }', null);
    await expect(missing).rejects.toBeInstanceOf(Rejection);
    await expect(missing).rejects.toMatchObject({ status: 400, code: 'BAD_USER_INPUT' });
    await expect(authorize('query($id: ID!) { me { id } user(id: $id) { name } }', null, false, { id: { not: 'an id' } })).rejects.toMatchObject({ status: 400, code: 'BAD_USER_INPUT' });
  });

  it('answers an alias named __proto__ of a removed root field as an own key, like any other', async () => {
    const { response } = await authorize('{ __proto__: me { id } constructor: me { id } }', null);
    expect(response?.body).toBe('{"data":{"__proto__":null,"constructor":null},"errors":[{"message":"Unauthorized field or type","path":["__proto__"],"extensions":{"code":"UNAUTHORIZED_FIELD_OR_TYPE"}},{"message":"Unauthorized field or type","path":["constructor"],"extensions":{"code":"UNAUTHORIZED_FIELD_OR_TYPE"}}]}');
  });

  it('sees a guarded field after any amount of fragment padding', async () => {
    const padding = Array.from({ length: 3_000 }, () => '...P').join(' ');
    const { state } = await authorize(`{ user(id: "1") { ${padding} secret } } fragment P on User { id }`, null);
    expect(state.query).not.toMatch(/secret/);
    expect(state.removed).toHaveLength(1);
  });

  it('removes a guarded field inside a fragment at every path it is spread', async () => {
    const { state } = await authorize('{ a: user(id: "1") { ...S } b: user(id: "2") { ...S } } fragment S on User { secret }', null);
    expect(unauthorizedErrors(state.removed).map((error) => error.path?.join('.')).sort()).toEqual(['a.secret', 'b.secret']);
    expect(state.query).not.toMatch(/secret/);
  });

  it('lets a caller with the token and scopes through untouched', async () => {
    const query = 'mutation { deleteUser(id: "1") }';
    const { state, response } = await authorize(query, { sub: 'u', scope: 'admin' });
    expect(response).toBeUndefined();
    expect(state.query).toBe(query);
    const shopper = await authorize(query, { sub: 'u', scope: 'shopper' });
    expect(shopper.response).toMatchObject({ status: 200 });
    expect(JSON.parse(shopper.response!.body)).toMatchObject({ data: { deleteUser: null }, errors: [{ extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }] });
  });

  it('with AUTHZ_REJECT_UNAUTHORIZED answers data null with the errors', async () => {
    const { response } = await authorize('{ me { id } tags }', null, true);
    expect(JSON.parse(response!.body)).toEqual({ data: null, errors: [{ message: 'Unauthorized field or type', path: ['me'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }] });
  });

  it('needs nothing for operations without guarded fields', async () => {
    const state = await runStages([document, limits, authorizeStage({ AUTHZ_REJECT_UNAUTHORIZED: false })], '{ tags }');
    expect(state.removed).toEqual([]);
  });

  it('judges the fields under a logIn payload\'s user as authenticated, scopes only from the current token', async () => {
    const query = 'mutation { in: logIn(email: "e", password: "p") { token user { secret orders { id } note friends { secret } } } }';
    const { state } = await authorize(query, null);
    expect(unauthorizedErrors(state.removed).map((error) => error.path?.join('.'))).toEqual(['in.user.note']);
    expect(state.query).toMatch(/orders/);
    expect(state.signIns).toEqual(['in']);
    const admin = await authorize(query, { sub: 'a', scope: 'admin' });
    expect(admin.state.removed).toEqual([]);
  });

  it('does not relax a fragment also spread outside a sign-in payload, nor anything outside it', async () => {
    const { state } = await authorize(
      'mutation { logIn(email: "e", password: "p") { user { ...S } } touch { ...S } deleteUser(id: "1") } fragment S on User { secret }',
      null,
    );
    expect(unauthorizedErrors(state.removed).map((error) => error.path?.join('.'))).toEqual(['logIn.user.secret', 'touch.secret', 'deleteUser']);
    const inside = await authorize('mutation { logIn(email: "e", password: "p") { user { ...S } } deleteUser(id: "1") } fragment S on User { secret }', null);
    expect(unauthorizedErrors(inside.state.removed).map((error) => error.path?.join('.'))).toEqual(['deleteUser']);
  });
});

import { describe, expect, it } from 'vitest';
import { asAdmin, PASSWORD, signUp } from '../support/accounts.js';
import { router, run, unique } from '../support/run.js';
import { subgraphCalls } from '../support/subgraph-calls.js';

const ME = '{ me { id name email createdAt orderCount reviewCount lifetimeSpend { amountCents currency } } }';

describe('users through the router', () => {
  it('signs up, logs in and answers me with zeroed counters', async () => {
    const account = await signUp('Ada');
    const { me } = await account.client.data<{ me: Record<string, unknown> }>(ME);
    expect(me).toMatchObject({
      id: account.id,
      name: 'Ada',
      email: account.email,
      orderCount: 0,
      reviewCount: 0,
      lifetimeSpend: { amountCents: '0', currency: 'USD' },
    });
    expect(new Date(me.createdAt as string).toISOString()).toBe(me.createdAt);

    const { logIn } = await router.data<{ logIn: { token: string; user: { id: string } } }>(
      'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token user { id } } }',
      { e: account.email.toUpperCase(), p: PASSWORD },
    );
    expect(logIn.user.id).toBe(account.id);
    expect(logIn.token.split('.')).toHaveLength(3);
  });

  it('refuses a wrong password and a duplicate e-mail', async () => {
    const account = await signUp();
    const wrong = await router.request('mutation($e: String!) { logIn(email: $e, password: "not the password") { token } }', {
      e: account.email,
    });
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const duplicate = await router.request('mutation($i: SignUpInput!) { signUp(input: $i) { token } }', {
      i: { email: account.email, name: 'Copy', password: PASSWORD },
    });
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
  });

  it('validates sign-up input field by field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ email: 'not-an-email', name: 'X', password: PASSWORD }, 'input.email'],
      [{ email: `${unique()}@example.test`, name: '', password: PASSWORD }, 'input.name'],
      [{ email: `${unique()}@example.test`, name: 'X', password: 'short' }, 'input.password'],
    ];
    for (const [input, field] of cases) {
      const result = await router.request('mutation($i: SignUpInput!) { signUp(input: $i) { token } }', { i: input });
      expect(result.status).toBe(200);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('updates the profile of the signed-in user only', async () => {
    const account = await signUp('Before');
    const { updateProfile } = await account.client.data<{ updateProfile: { name: string } }>(
      'mutation { updateProfile(input: { name: "After" }) { name } }',
    );
    expect(updateProfile.name).toBe('After');
    const before = await subgraphCalls('users');
    const anonymous = await router.request('mutation { updateProfile(input: { name: "Nobody" }) { name } }');
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(await subgraphCalls('users')).toBe(before);
  });

  it("shows a user's e-mail only to that user or an admin", async () => {
    const [owner, other] = await Promise.all([signUp('Owner'), signUp('Other')]);
    const query = 'query($id: ID!) { user(id: $id) { id name email } }';

    const asOther = await other.client.request<{ user: { name: string; email: string | null } }>(query, { id: owner.id });
    expect(asOther.data?.user).toMatchObject({ name: 'Owner', email: null });
    expect(asOther.errors?.[0]).toMatchObject({ path: ['user', 'email'], extensions: { code: 'FORBIDDEN' } });

    const asOwner = await owner.client.data<{ user: { email: string } }>(query, { id: owner.id });
    expect(asOwner.user.email).toBe(owner.email);
    const admin = await asAdmin();
    const asAdminResult = await admin.client.data<{ user: { email: string } }>(query, { id: owner.id });
    expect(asAdminResult.user.email).toBe(owner.email);
  });

  it('lists users for admins only, newest first, page by page', async () => {
    const created = [await signUp('L1'), await signUp('L2'), await signUp('L3')];
    const admin = await asAdmin();
    const query = 'query($after: String) { users(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }';
    const first = await admin.client.data<{ users: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(query);
    expect(first.users.edges.map((e) => e.node.id)).toEqual([created[2]!.id, created[1]!.id]);
    expect(first.users.pageInfo.hasNextPage).toBe(true);
    const second = await admin.client.data<{ users: { edges: { node: { id: string } }[] } }>(query, { after: first.users.pageInfo.endCursor });
    expect(second.users.edges[0]?.node.id).toBe(created[0]!.id);

    const shopper = await signUp();
    const before = await subgraphCalls('users');
    const refused = await shopper.client.request(query);
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(await subgraphCalls('users')).toBe(before);
  });

  it('answers an unknown user id with NOT_FOUND and a malformed one with BAD_USER_INPUT', async () => {
    const unknown = await router.request('{ user(id: "00000000-0000-4000-8000-000000000000") { id } }');
    expect(unknown.status).toBe(200);
    expect(unknown.data).toEqual({ user: null });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const malformed = await router.request('{ user(id: "42") { id } }');
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('publishes the token signing keys as a JWKS', async () => {
    const response = await fetch(new URL('/.well-known/jwks.json', run.subgraphUrls.users));
    const jwks = (await response.json()) as { keys: { kty: string; alg: string; kid: string; d?: string }[] };
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256' });
    expect(jwks.keys[0]?.kid).toBeTruthy();
    expect(jwks.keys[0]?.d).toBeUndefined();
  });
});

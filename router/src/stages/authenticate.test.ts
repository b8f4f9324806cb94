import { describe, expect, it } from 'vitest';
import { AuthError, type Verifier } from '../auth.js';
import { authenticateStage } from './authenticate.js';
import { initialState } from './stage.js';
import { post, refusal, testMetadata } from './testing.js';

const verify: Verifier = async (authorization) => {
  if (!authorization) return null;
  if (authorization === 'Bearer good') return { sub: 'u1', scope: 'admin' };
  throw new AuthError('Cannot verify JWT: invalid signature');
};
const options = { REQUIRE_AUTHENTICATION: false, PARTNER_API_KEYS: 'acme=acme-key' };
const run = (headers: Record<string, string>, overrides = {}) => {
  const state = initialState(post({ query: '{ tags }' }, headers), testMetadata);
  return Promise.resolve(authenticateStage({ ...options, ...overrides }, verify).run(state)).then(() => state);
};

describe('stage authenticate', () => {
  it('turns a verified token into claims and an API key into its partner', async () => {
    expect((await run({ authorization: 'Bearer good' })).claims).toEqual({ sub: 'u1', scope: 'admin' });
    expect((await run({ 'x-api-key': 'acme-key' })).partner).toBe('acme');
    expect((await run({})).claims).toBeNull();
  });

  it('refuses bad tokens, unknown keys, and anonymous callers when authentication is required, with 401 AUTH_ERROR', async () => {
    expect(await refusal(() => run({ authorization: 'Bearer forged' }))).toEqual({ status: 401, codes: ['AUTH_ERROR'] });
    expect(await refusal(() => run({ 'x-api-key': 'nope' }))).toEqual({ status: 401, codes: ['AUTH_ERROR'] });
    expect(await refusal(() => run({}, { REQUIRE_AUTHENTICATION: true }))).toEqual({ status: 401, codes: ['AUTH_ERROR'] });
  });
});

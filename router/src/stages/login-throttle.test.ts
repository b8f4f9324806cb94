import { describe, expect, it } from 'vitest';
import { accountKey, createLoginThrottle, lockoutMs } from '../login-throttle.js';
import { documentStage } from './document.js';
import { loginThrottleStage, type LoginThrottleOptions } from './login-throttle.js';
import { refusal, runStages, testLog, testMetrics , DOCUMENT_OPTIONS } from './testing.js';

const options: LoginThrottleOptions = {
  LOGIN_THROTTLE_ACCOUNT_MAX: 3,
  LOGIN_THROTTLE_ADDRESS_MAX: 10,
  LOGIN_THROTTLE_WINDOW_SECONDS: 60,
  LOGIN_THROTTLE_BASE_SECONDS: 1,
  LOGIN_THROTTLE_MAX_SECONDS: 60,
};
const LOGIN = 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }';
const refused = { data: null, errors: [{ path: ['logIn'], extensions: { code: 'UNAUTHENTICATED' } }] };

function setup() {
  const throttle = createLoginThrottle(null, 'test:', testLog);
  const stages = [documentStage(DOCUMENT_OPTIONS), loginThrottleStage(options, { throttle, metrics: testMetrics(), log: testLog })];
  /** One login attempt; `outcome` is what the subgraph answered. */
  const attempt = async (email: string, outcome: typeof refused | { data: { logIn: { token: string } } }) => {
    const state = await runStages(stages, LOGIN, { variables: { e: email, p: 'guess' } });
    for (const hook of state.after) await hook({ status: 200, result: outcome });
  };
  return { throttle, stages, attempt };
}

describe('login throttling', () => {
  it('backs off exponentially over the threshold, up to the maximum', () => {
    const policy = { max: 3, windowSeconds: 60, baseSeconds: 1, maxSeconds: 60 };
    expect([1, 2, 3, 4, 5, 6, 12].map((n) => lockoutMs(n, policy))).toEqual([0, 0, 1000, 2000, 4000, 8000, 60_000]);
  });

  it('normalises accounts: case, spaces and Unicode forms are one account', () => {
    expect(accountKey(' Alice@Example.COM ')).toBe(accountKey('alice@example.com'));
    expect(accountKey('alice@example.com')).not.toContain('alice');
  });

  it('refuses an account with 429 LOGIN_THROTTLED after too many failures, the same for unknown accounts', async () => {
    const { stages, attempt } = setup();
    for (const email of ['known@example.com', 'nobody@example.com']) {
      for (let i = 0; i < options.LOGIN_THROTTLE_ACCOUNT_MAX; i += 1) await attempt(email, refused);
      const answer = await refusal(() => runStages(stages, LOGIN, { variables: { e: email.toUpperCase(), p: 'x' } }));
      expect(answer).toEqual({ status: 429, codes: ['LOGIN_THROTTLED'] });
    }
  });

  it('a success clears the account', async () => {
    const { stages, attempt } = setup();
    await attempt('a@example.com', refused);
    await attempt('a@example.com', refused);
    await attempt('a@example.com', { data: { logIn: { token: 't' } } });
    await attempt('a@example.com', refused);
    await attempt('a@example.com', refused);
    await runStages(stages, LOGIN, { variables: { e: 'a@example.com', p: 'x' } });
  });

  it('counts the client address across accounts', async () => {
    const { stages, attempt } = setup();
    for (let i = 0; i < options.LOGIN_THROTTLE_ADDRESS_MAX; i += 1) await attempt(`spray${i}@example.com`, refused);
    expect((await refusal(() => runStages(stages, LOGIN, { variables: { e: 'fresh@example.com', p: 'x' } }))).codes).toEqual(['LOGIN_THROTTLED']);
  });

  it('allows one login per operation', async () => {
    const { stages } = setup();
    const twice = 'mutation { a: logIn(email: "a@x.io", password: "1") { token } b: logIn(email: "a@x.io", password: "2") { token } }';
    expect(await refusal(() => runStages(stages, twice))).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
    const viaFragment = 'mutation { ...L ...L } fragment L on Mutation { logIn(email: "a@x.io", password: "1") { token } }';
    expect((await refusal(() => runStages(stages, viaFragment))).codes).toEqual(['BAD_REQUEST']);
  });
});

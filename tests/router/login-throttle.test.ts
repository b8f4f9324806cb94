/**
 * Login throttling: failed logIn attempts counted per account and per client address in Redis, shared
 * by router replicas; 429 LOGIN_THROTTLED with Retry-After over the threshold, exponential back-off,
 * the same answer for accounts that exist and accounts that do not, and a success clears the account.
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD, signUp } from '../support/accounts.js';
import { startRouter, type TestProcess } from '../support/processes.js';
import { metricValue, unique } from '../support/run.js';

const LOGIN = 'mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token user { id } } }';
const settings = (prefix: string) => ({
  LOGIN_THROTTLE_ENABLED: 'true',
  LOGIN_THROTTLE_KEY_PREFIX: `${prefix}:`,
  LOGIN_THROTTLE_ACCOUNT_MAX: '3',
  LOGIN_THROTTLE_ADDRESS_MAX: '8',
  LOGIN_THROTTLE_BASE_SECONDS: '2',
  LOGIN_THROTTLE_MAX_SECONDS: '60',
});

async function logIn(router: TestProcess, email: string, password: string) {
  const response = await fetch(router.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: LOGIN, variables: { e: email, p: password } }),
  });
  const body = (await response.json()) as { data?: { logIn: { token: string } } | null; errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body, code: body.errors?.[0]?.extensions?.code };
}

describe('login throttling', () => {
  it('throttles an account across replicas, the same way whether it exists or not, and backs off exponentially', async () => {
    const prefix = unique('login-throttle-test-');
    const [a, b] = await Promise.all([startRouter('throttle-a', settings(prefix)), startRouter('throttle-b', settings(prefix))]);
    const account = await signUp('Guessed');
    const unknown = `${unique('nobody')}@example.test`;

    const throttled: Awaited<ReturnType<typeof logIn>>[] = [];
    for (const email of [account.email, unknown]) {
      for (let i = 0; i < 3; i += 1) {
        const failed = await logIn(i % 2 === 0 ? a : b, email, 'wrong password');
        expect(failed.status).toBe(200);
        expect(failed.code).toBe('UNAUTHENTICATED');
      }
      // The other replica sees the same count; even the right password is refused while locked.
      throttled.push(await logIn(b, email.toUpperCase(), PASSWORD));
    }
    for (const answer of throttled) {
      expect(answer.status).toBe(429);
      expect(answer.code).toBe('LOGIN_THROTTLED');
      expect(answer.retryAfter).toBe('2');
    }
    expect(throttled[0]!.body).toEqual(throttled[1]!.body);

    // After the lock, one more failure locks it for twice as long.
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    expect((await logIn(a, account.email, 'wrong again')).code).toBe('UNAUTHENTICATED');
    const longer = await logIn(a, account.email, PASSWORD);
    expect(longer.status).toBe(429);
    expect(longer.retryAfter).toBe('4');

    const metrics = a.metricsUrl;
    expect(await metricValue(metrics, 'login_throttled_total')).toBeGreaterThan(0);
    expect(await metricValue(metrics, 'login_failures_total')).toBeGreaterThan(0);
  });

  it('a successful login clears the account', async () => {
    const router = await startRouter('throttle-reset', settings(unique('login-throttle-test-')));
    const account = await signUp('Forgetful');
    await logIn(router, account.email, 'wrong 1');
    await logIn(router, account.email, 'wrong 2');
    expect((await logIn(router, account.email, PASSWORD)).body.data?.logIn.token).toBeTruthy();
    await logIn(router, account.email, 'wrong 3');
    await logIn(router, account.email, 'wrong 4');
    const after = await logIn(router, account.email, PASSWORD);
    expect(after.status).toBe(200);
    expect(after.body.data?.logIn.token).toBeTruthy();
  });

  it('throttles a client address spraying many accounts', async () => {
    const router = await startRouter('throttle-address', settings(unique('login-throttle-test-')));
    for (let i = 0; i < 8; i += 1) expect((await logIn(router, `${unique('spray')}@example.test`, 'guess')).code).toBe('UNAUTHENTICATED');
    const next = await logIn(router, `${unique('fresh')}@example.test`, 'guess');
    expect(next.status).toBe(429);
    expect(next.code).toBe('LOGIN_THROTTLED');
    expect(Number(next.retryAfter)).toBeGreaterThan(0);
  });

  it('allows one logIn per operation (aliases would try many passwords at once)', async () => {
    const router = await startRouter('throttle-aliases', settings(unique('login-throttle-test-')));
    const response = await router.client.request('mutation { a: logIn(email: "x@example.test", password: "1") { token } b: logIn(email: "x@example.test", password: "2") { token } }');
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});

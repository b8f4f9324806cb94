/**
 * Stage `loginThrottle`: brute-force protection for `Mutation.logIn`. Before a login runs, its account
 * (normalised e-mail) and the client's address must not be locked out; if either is, the answer is 429
 * `LOGIN_THROTTLED` with `Retry-After`, the same for accounts that exist and accounts that do not (the
 * router never asks). After it ran, a refused login (`UNAUTHENTICATED` at the login's path) counts one
 * failure for both keys, and a successful one clears the account's count. An operation may log in once
 * (aliases would otherwise try many passwords per request): more is 400 `BAD_REQUEST`.
 */
import type { FieldNode } from 'graphql';
import type { Logger } from '@commerce/kit/logger';
import type { Config } from '../config.js';
import { accountKey, type LoginThrottle, type ThrottlePolicy } from '../login-throttle.js';
import type { RouterMetrics } from '../metrics.js';
import { eachField, occurrences } from '../operation.js';
import { reject } from '../rejection.js';
import { argumentValue } from './slicing.js';
import type { Stage } from './stage.js';

export type LoginThrottleOptions = Pick<
  Config,
  'LOGIN_THROTTLE_ACCOUNT_MAX' | 'LOGIN_THROTTLE_ADDRESS_MAX' | 'LOGIN_THROTTLE_WINDOW_SECONDS' | 'LOGIN_THROTTLE_BASE_SECONDS' | 'LOGIN_THROTTLE_MAX_SECONDS'
>;

/** The field that signs in and the argument naming the account (the users subgraph's contract). */
export const LOGIN_FIELD = { type: 'Mutation', field: 'logIn', account: 'email' } as const;

export function loginThrottleStage(options: LoginThrottleOptions, deps: { throttle: LoginThrottle; metrics: RouterMetrics; log: Logger }): Stage {
  const policy = (max: number): ThrottlePolicy => ({
    max,
    windowSeconds: options.LOGIN_THROTTLE_WINDOW_SECONDS,
    baseSeconds: options.LOGIN_THROTTLE_BASE_SECONDS,
    maxSeconds: options.LOGIN_THROTTLE_MAX_SECONDS,
  });
  const accountPolicy = policy(options.LOGIN_THROTTLE_ACCOUNT_MAX);
  const addressPolicy = policy(options.LOGIN_THROTTLE_ADDRESS_MAX);
  return {
    name: 'loginThrottle',
    async run(state) {
      const op = state.operation;
      if (!op || !state.metadata || op.operation.operation !== 'mutation') return;
      const schema = state.metadata.apiSchema;
      const logins = new Set<FieldNode>();
      eachField(op, schema, (node, parent) => {
        if (parent.name === LOGIN_FIELD.type && node.name.value === LOGIN_FIELD.field) logins.add(node);
      });
      if (logins.size === 0) return;
      const found = occurrences(op, schema, logins);
      if (found.length > 1) throw reject(400, 'BAD_REQUEST', `An operation may call ${LOGIN_FIELD.field} once`);
      const login = found[0];
      if (!login) return;
      const given = login.node.arguments?.find((arg) => arg.name.value === LOGIN_FIELD.account);
      const email = given && argumentValue(op, given.value, state.raw.variables ?? {});
      if (typeof email !== 'string') return; // graphql-js refuses the operation
      const account = accountKey(email);
      const address = `address:${state.request.ip}`;
      const locked = Math.max(await deps.throttle.lockedFor(account), await deps.throttle.lockedFor(address));
      if (locked > 0) {
        deps.metrics.loginThrottled.inc();
        deps.log.warn({ address: state.request.ip, lockedMs: locked }, 'login throttled');
        const retryAfter = String(Math.max(1, Math.ceil(locked / 1000)));
        throw reject(429, 'LOGIN_THROTTLED', 'Too many failed login attempts; try again later', {}, { headers: { 'retry-after': retryAfter } });
      }
      const key = login.path[0]!.key;
      state.after.push(async ({ result }) => {
        if (result.data?.[key]) {
          await deps.throttle.reset(account);
          return;
        }
        const refused = result.errors?.some((error) => error.path?.[0] === key && error.extensions?.code === 'UNAUTHENTICATED');
        if (!refused) return; // not the caller's fault (a subgraph failure, say): not a guess
        deps.metrics.loginFailures.inc();
        await Promise.all([deps.throttle.fail(account, accountPolicy), deps.throttle.fail(address, addressPolicy)]);
      });
    },
  };
}

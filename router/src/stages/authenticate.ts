/**
 * Stage `authenticate`: the bearer JWT becomes verified claims (or the request is anonymous), and an
 * `x-api-key` names the partner sending it. A bad token or an unknown key is 401 `AUTH_ERROR`, as is
 * an anonymous request when REQUIRE_AUTHENTICATION is on.
 */
import { AuthError, type Verifier } from '../auth.js';
import type { Config } from '../config.js';
import { parsePartnerKeys } from '../persisted-queries.js';
import { reject } from '../rejection.js';
import type { Stage } from './stage.js';

export type AuthenticateOptions = Pick<Config, 'REQUIRE_AUTHENTICATION' | 'PARTNER_API_KEYS'>;

export function authenticateStage(options: AuthenticateOptions, verify: Verifier): Stage {
  const partnerKeys = parsePartnerKeys(options.PARTNER_API_KEYS);
  return {
    name: 'authenticate',
    async run(state) {
      try {
        state.claims = await verify(state.request.headers.authorization);
      } catch (error) {
        if (error instanceof AuthError) throw reject(401, 'AUTH_ERROR', error.message);
        throw error;
      }
      if (!state.claims && options.REQUIRE_AUTHENTICATION) throw reject(401, 'AUTH_ERROR', 'The request is not authenticated');
      const apiKey = state.request.headers['x-api-key'];
      if (apiKey === undefined) return;
      state.partner = typeof apiKey === 'string' ? (partnerKeys.get(apiKey) ?? null) : null;
      if (state.partner === null) throw reject(401, 'AUTH_ERROR', 'Invalid API key');
    },
  };
}

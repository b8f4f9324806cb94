/**
 * Stage `rateLimit`: one request counted against its client's sliding window (the partner, else the
 * user, else the address); over the limit, 429 `REQUEST_RATE_LIMITED` with `Retry-After`.
 */
import type { RateLimiter } from '../rate-limit.js';
import type { Stage } from './stage.js';

export function rateLimitStage(limiter: RateLimiter): Stage {
  return {
    name: 'rateLimit',
    async run(state) {
      const client = state.partner ? `partner:${state.partner}` : state.claims?.sub ? `user:${state.claims.sub}` : `ip:${state.request.ip}`;
      await limiter.take(client);
    },
  };
}

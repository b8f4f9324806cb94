/**
 * Per-client rate limiting: a sliding window (no burst at window edges) kept in Redis so every router
 * replica counts against the same limit (sliding-window-rate-limiter, whose Lua script runs on the
 * Redis clock). Without Redis it counts in process. The client is its API key, else its user, else its
 * IP address. If Redis fails, requests are let through (fail open) and the failure is logged.
 */
import { MemorySlidingWindowRateLimiter, SafeRedisSlidingWindowRateLimiter, type SlidingWindowRateLimiterBackend } from 'sliding-window-rate-limiter';
import type { Logger } from '@commerce/kit/logger';
import { reject } from './rejection.js';
import type { KeyValueStore } from './store.js';

export interface RateLimiter {
  /** Counts one request of `client`; throws a 429 Rejection when it is over the limit. */
  take(client: string): Promise<void>;
  close(): void;
}

export function createRateLimiter(store: KeyValueStore, options: { max: number; windowMs: number; log: Logger; onReject: () => void }): RateLimiter {
  const backend: SlidingWindowRateLimiterBackend = store.redis
    ? new SafeRedisSlidingWindowRateLimiter({ redis: store.redis as never, interval: options.windowMs, operationTimeout: 500 })
    : new MemorySlidingWindowRateLimiter({ interval: options.windowMs });
  if (backend instanceof SafeRedisSlidingWindowRateLimiter) {
    backend.on('error', (error: Error) => options.log.warn({ err: error }, 'rate limiter cannot reach redis; letting requests through'));
  }
  return {
    take: async (client) => {
      const result = await backend.reserve(`ratelimit:${client}`, options.max);
      if (result.token !== undefined || result.usage < options.max) return;
      options.onReject();
      const retryAfter = Math.max(1, Math.ceil((result.reset ?? options.windowMs) / 1000));
      throw reject(429, 'REQUEST_RATE_LIMITED', 'Your request has been rate limited', {}, { headers: { 'retry-after': String(retryAfter) } });
    },
    close: () => backend.destroy(),
  };
}

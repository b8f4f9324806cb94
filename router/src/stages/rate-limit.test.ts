import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../rate-limit.js';
import { createStore } from '../store.js';
import { rateLimitStage } from './rate-limit.js';
import { initialState } from './stage.js';
import { post, refusal, testLog, testMetadata } from './testing.js';

describe('stage rateLimit', () => {
  it('counts each client apart and answers 429 REQUEST_RATE_LIMITED with Retry-After over the limit', async () => {
    const limiter = createRateLimiter(createStore(undefined, testLog), { max: 2, windowMs: 60_000, log: testLog, onReject: () => undefined });
    const stage = rateLimitStage(limiter);
    const state = (sub?: string) => ({ ...initialState(post({}), testMetadata), claims: sub ? { sub } : null });
    await stage.run(state('a'));
    await stage.run(state('a'));
    const refused = await refusal(() => stage.run(state('a')));
    expect(refused).toEqual({ status: 429, codes: ['REQUEST_RATE_LIMITED'] });
    await stage.run(state('b'));
    limiter.close();
  });
});

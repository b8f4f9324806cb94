/**
 * Counts failed logins per key (an account's normalised e-mail, or a client address) and locks a key
 * out for an exponentially growing time once it has failed `max` times: the n-th failure over the
 * threshold locks it for min(base × 2^(n − max), maxSeconds). Failures are forgotten `windowSeconds`
 * after the last one; a success clears an account's count. Kept in Redis (shared by router replicas,
 * expiring keys, so nothing needs sweeping); without Redis, in this process. If Redis fails, logins
 * are let through (fail open, as the rate limiter does) and the failure is logged.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from '@commerce/kit/logger';

export interface ThrottlePolicy {
  max: number;
  windowSeconds: number;
  baseSeconds: number;
  maxSeconds: number;
}

export interface LoginThrottle {
  /** Milliseconds `key` stays locked out (0: not locked). */
  lockedFor(key: string): Promise<number>;
  /** Counts one failure of `key` under `policy`. */
  fail(key: string, policy: ThrottlePolicy): Promise<void>;
  /** Forgets `key`'s failures and lock. */
  reset(key: string): Promise<void>;
}

/** How long the n-th failure locks its key out, in milliseconds (0 below the threshold). */
export function lockoutMs(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.max) return 0;
  const seconds = Math.min(policy.baseSeconds * 2 ** Math.min(failures - policy.max, 30), policy.maxSeconds);
  return seconds * 1000;
}

/** An account key that does not store the address itself: trimmed, NFKC, lower-cased, hashed. */
export function accountKey(email: string): string {
  return `account:${createHash('sha256').update(email.normalize('NFKC').trim().toLowerCase()).digest('hex')}`;
}

export function createLoginThrottle(redis: Redis | null, prefix: string, log: Logger): LoginThrottle {
  if (!redis) {
    const failures = new LRUCache<string, number>({ max: 100_000, ttlAutopurge: false });
    const locks = new LRUCache<string, number>({ max: 100_000, ttlAutopurge: false });
    return {
      lockedFor: async (key) => Math.max(0, (locks.get(key) ?? 0) - Date.now()),
      fail: async (key, policy) => {
        const count = (failures.get(key) ?? 0) + 1;
        failures.set(key, count, { ttl: policy.windowSeconds * 1000 });
        const ms = lockoutMs(count, policy);
        if (ms > 0) locks.set(key, Date.now() + ms, { ttl: ms });
      },
      reset: async (key) => {
        failures.delete(key);
        locks.delete(key);
      },
    };
  }
  const failOpen = (error: unknown) => log.warn({ err: error }, 'login throttle cannot reach redis; letting logins through');
  return {
    lockedFor: async (key) => {
      try {
        return Math.max(0, await redis.pttl(`${prefix}lock:${key}`));
      } catch (error) {
        failOpen(error);
        return 0;
      }
    },
    fail: async (key, policy) => {
      try {
        const results = await redis.multi().incr(`${prefix}failures:${key}`).expire(`${prefix}failures:${key}`, policy.windowSeconds).exec();
        const count = Number(results?.[0]?.[1] ?? 0);
        const ms = lockoutMs(count, policy);
        if (ms > 0) await redis.set(`${prefix}lock:${key}`, '1', 'PX', ms);
      } catch (error) {
        failOpen(error);
      }
    },
    reset: async (key) => {
      try {
        await redis.del(`${prefix}failures:${key}`, `${prefix}lock:${key}`);
      } catch (error) {
        failOpen(error);
      }
    },
  };
}

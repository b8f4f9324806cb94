/**
 * When a failed request is tried again, and after how long: network errors (nothing answered) for
 * queries only — a mutation may have been applied — and 429/503 for any operation, since the router
 * refused those before running them. The delay doubles from 400 ms (with jitter), capped at 8 s, or is
 * the router's Retry-After when it gives one; a Retry-After longer than 30 s is not waited for.
 */
import { ServerError } from '@apollo/client/errors';
import { codeOf, isNetworkError, retryAfterMs } from './errors';

export const MAX_ATTEMPTS = 4;
const MAX_WAIT_MS = 30_000;

export function shouldRetry(attempt: number, isQuery: boolean, error: unknown): boolean {
  if (attempt >= MAX_ATTEMPTS) return false;
  if (isNetworkError(error)) return isQuery;
  if (!ServerError.is(error)) return false;
  // A throttled login is not load: trying the same password again after the wait is the shopper's call.
  if (error.statusCode === 429 && codeOf(error) === 'LOGIN_THROTTLED') return false;
  if (error.statusCode === 429 || error.statusCode === 503) return (retryAfterMs(error) ?? 0) <= MAX_WAIT_MS;
  return isQuery && (error.statusCode === 502 || error.statusCode === 504);
}

export function retryDelayMs(attempt: number, error: unknown, random = Math.random): number {
  const told = retryAfterMs(error);
  if (told !== null) return told;
  const base = Math.min(8_000, 400 * 2 ** (attempt - 1));
  return base / 2 + random() * (base / 2);
}

/**
 * Errors for people: every way a request can fail — the router's and the subgraphs' GraphQL codes,
 * HTTP statuses, a network that is down — turned into one sentence a shopper understands, plus the
 * messages that belong beside a form field. Codes follow docs/router.md and Apollo's router.
 */
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

export interface ShopperError {
  /** The sentence to show. */
  message: string;
  /** Per form field (the last segment of `extensions.field`, e.g. `body` for `input.body`): what to fix. */
  fields: Record<string, string>;
  /** True when trying again may work (busy, unreachable, timed out). */
  retryable: boolean;
  /** The first code seen, for tests and logs ('NETWORK' when nothing answered). */
  code: string;
}

interface ApiError {
  message: string;
  extensions?: Record<string, unknown>;
}

const SENTENCES: Record<string, { message: string; retryable?: boolean }> = {
  AUTH_ERROR: { message: 'Your session has ended. Please sign in again.' },
  UNAUTHENTICATED: { message: 'Please sign in to continue.' },
  UNAUTHORIZED_FIELD_OR_TYPE: { message: 'Please sign in with an account that may see this.' },
  FORBIDDEN: { message: "Your account isn't allowed to do that." },
  NOT_FOUND: { message: "We couldn't find that. It may have been removed." },
  BAD_USER_INPUT: { message: 'Please check the highlighted fields.' },
  REQUEST_RATE_LIMITED: { message: 'Lots of requests at once — please wait a moment and try again.', retryable: true },
  REQUEST_CONCURRENCY_LIMITED: { message: 'The shop is very busy right now. Please try again in a moment.', retryable: true },
  GATEWAY_TIMEOUT: { message: 'The shop took too long to answer. Please try again.', retryable: true },
  SUBREQUEST_HTTP_ERROR: { message: 'Part of the shop is unavailable right now. Please try again in a moment.', retryable: true },
  COST_ESTIMATED_TOO_EXPENSIVE: { message: 'That asks for too much at once. Please try with fewer items.' },
  PERSISTED_QUERY_NOT_IN_LIST: { message: 'This page is out of date. Please reload it.' },
  PERSISTED_QUERY_NOT_FOUND: { message: 'This page is out of date. Please reload it.' },
  PERSISTED_QUERY_NOT_SUPPORTED: { message: 'This page is out of date. Please reload it.' },
  PERSISTED_QUERY_HASH_MISMATCH: { message: 'This page is out of date. Please reload it.' },
  GRAPHQL_VALIDATION_FAILED: { message: 'This page is out of date. Please reload it.' },
  GRAPHQL_PARSE_FAILED: { message: 'This page is out of date. Please reload it.' },
  GRAPHQL_UNKNOWN_OPERATION_NAME: { message: 'This page is out of date. Please reload it.' },
  LOGIN_THROTTLED: { message: 'Too many sign-in attempts. Please wait a while and try again.' },
  NETWORK: { message: "We can't reach the shop. Check your connection and try again.", retryable: true },
};
const SOMETHING_WRONG = { message: 'Something went wrong on our side. Please try again.', retryable: true };
const STATUS_CODES: Record<number, string> = { 401: 'AUTH_ERROR', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 429: 'REQUEST_RATE_LIMITED', 503: 'REQUEST_CONCURRENCY_LIMITED', 504: 'GATEWAY_TIMEOUT' };

/** Field errors from the API ("input.body: Too small: expected string to have >=1 characters") in plain words. */
export function fieldSentence(apiMessage: string): string {
  const text = apiMessage.replace(/^[\w.]+: /, '');
  let match: RegExpMatchArray | null;
  if ((match = text.match(/Too small: expected string to have >=(\d+) characters?/i))) return match[1] === '1' ? 'Please fill this in.' : `Please use at least ${match[1]} characters.`;
  if ((match = text.match(/Too big: expected string to have <=(\d+) characters?/i))) return `Please use at most ${match[1]} characters.`;
  if ((match = text.match(/Too small: expected number to be >=(-?\d+)/i))) return `Please enter ${match[1]} or more.`;
  if ((match = text.match(/Too big: expected number to be <=(-?\d+)/i))) return `Please enter ${match[1]} or less.`;
  if ((match = text.match(/Too big: expected array to have <=(\d+) items?/i))) return `Please give at most ${match[1]}.`;
  if (/invalid email/i.test(text)) return 'Please enter a valid e-mail address.';
  if (/already exists|already (taken|registered|in use)/i.test(text)) return 'This is already taken.';
  if (/expected (int|integer)/i.test(text)) return 'Please enter a whole number.';
  return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.');
}

function apiErrorsOf(error: unknown): ApiError[] {
  if (CombinedGraphQLErrors.is(error)) return error.errors as ApiError[];
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: ApiError[] };
      if (Array.isArray(body.errors) && body.errors.length > 0) return body.errors;
    } catch {
      // Not JSON (a proxy's error page): the status decides below.
    }
    const code = STATUS_CODES[error.statusCode] ?? (error.statusCode >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');
    return [{ message: error.message, extensions: { code } }];
  }
  return [];
}

/** Retry-After in milliseconds (seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(error: unknown, nowMs = Date.now()): number | null {
  if (!ServerError.is(error)) return null;
  const header = error.response.headers.get('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** "30 seconds", "1 minute", "4 minutes": a wait in words, rounded up. */
export function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** Whether the error means nothing answered (fetch failed, offline, CORS refused). */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && /Failed to fetch|NetworkError|Load failed/i.test(error.message));
}

/** The error as the shopper should read it; `messages` words some codes for the place they occur in. */
export function describeError(error: unknown, messages: Partial<Record<string, string>> = {}): ShopperError {
  if (!error) return { message: '', fields: {}, retryable: false, code: '' };
  if (isNetworkError(error)) return { ...(SENTENCES.NETWORK as { message: string; retryable: boolean }), fields: {}, code: 'NETWORK' };
  const errors = apiErrorsOf(error);
  const fields: Record<string, string> = {};
  for (const apiError of errors) {
    const field = apiError.extensions?.field;
    if (apiError.extensions?.code === 'BAD_USER_INPUT' && typeof field === 'string') {
      const key = field.split('.').filter((part) => !/^\d+$/.test(part)).at(-1) ?? field;
      fields[key] ??= fieldSentence(apiError.message);
    }
  }
  const code = String(errors[0]?.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  // A BAD_USER_INPUT without a field the form knows: say what the API said, in plain words.
  if (code === 'BAD_USER_INPUT' && Object.keys(fields).length === 0) return { message: fieldSentence(errors[0]?.message ?? ''), fields, retryable: false, code };
  const sentence = SENTENCES[code] ?? SOMETHING_WRONG;
  if (code === 'LOGIN_THROTTLED' && !messages[code]) {
    // The router's Retry-After says when the lock-out ends (the same for any account, known or not).
    const wait = retryAfterMs(error);
    if (wait !== null) return { message: `Too many sign-in attempts. Please wait ${waitText(wait)} and try again.`, fields, retryable: false, code };
  }
  return { message: messages[code] ?? sentence.message, fields, retryable: sentence.retryable ?? false, code };
}

/** The error's GraphQL code, when it has one ('' otherwise). */
export function codeOf(error: unknown): string {
  return error ? describeError(error).code : '';
}

/** The storefront's pure logic: money, errors for people, retries, status polling, tokens, cart lines, pages, rejections. */
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { mergePages } from './apollo';
import { addLine } from './cart';
import { describeError, fieldSentence, retryAfterMs, waitText } from './errors';
import { claimsOf, hasScope, isExpired } from './jwt';
import { amountText, centsOf, formatMoney, parseAmount, totalOf } from './money';
import { lineReason } from './order-reason';
import { retryDelayMs, shouldRetry } from './retry';
import { safeReturnPath } from './return-path';
import { pollDelayMs } from './status-poll';

const serverError = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new ServerError('Response not successful', { response: new Response(null, { status, headers }), bodyText: typeof body === 'string' ? body : JSON.stringify(body) });
const graphQLErrors = (...errors: { message: string; extensions?: Record<string, unknown> }[]) => new CombinedGraphQLErrors({ errors });

describe('money', () => {
  it('formats Cents strings exactly, up to the 64-bit range', () => {
    expect(formatMoney('4900', 'USD')).toBe('$49.00');
    expect(formatMoney('0', 'USD')).toBe('$0.00');
    expect(formatMoney('7', 'USD')).toBe('$0.07');
    expect(formatMoney('123456', 'USD')).toBe('$1,234.56');
    expect(formatMoney('9223372036854775807', 'USD')).toBe('$92,233,720,368,547,758.07');
    expect(formatMoney('-9223372036854775808', 'USD')).toBe('-$92,233,720,368,547,758.08');
    expect(formatMoney('-5', 'USD')).toBe('-$0.05');
    expect(formatMoney('-250', 'EUR')).toBe('-€2.50');
    expect(() => centsOf('12.5')).toThrow(RangeError);
    expect(() => centsOf('1e3')).toThrow(RangeError);
    expect(() => centsOf(' 1')).toThrow(RangeError);
  });

  it('adds up lines and reads amounts typed by a person', () => {
    expect(totalOf([{ price: { amountCents: '9007199254740993', currency: 'USD' }, quantity: 2 }, { price: { amountCents: '1', currency: 'USD' }, quantity: 1 }])).toEqual({
      amountCents: '18014398509481987',
      currency: 'USD',
    });
    expect(parseAmount('12.5')).toBe('1250');
    expect(parseAmount('0.07')).toBe('7');
    expect(parseAmount('12.345')).toBeNull();
    expect(parseAmount('-1')).toBeNull();
    // The scalar refuses leading zeros: "0.00" is "0", "00012" is "1200".
    expect(parseAmount('0.00')).toBe('0');
    expect(parseAmount('00012')).toBe('1200');
    expect(parseAmount('90071992547409.91')).toBe('9007199254740991');
    expect(amountText('1250')).toBe('12.50');
    expect(amountText('5')).toBe('0.05');
    expect(amountText('-250')).toBe('-2.50');
  });
});

describe('errors for people', () => {
  it('maps every kind of failure to a sentence, never the raw text', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toMatchObject({ code: 'NETWORK', retryable: true });
    expect(describeError(serverError(429, { errors: [{ message: 'Your request has been rate limited', extensions: { code: 'REQUEST_RATE_LIMITED' } }] }))).toMatchObject({
      code: 'REQUEST_RATE_LIMITED',
      retryable: true,
    });
    expect(describeError(serverError(502, '<html>Bad gateway</html>'))).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', retryable: true });
    expect(describeError(serverError(401, { errors: [{ message: 'jwt expired', extensions: { code: 'AUTH_ERROR' } }] })).message).toMatch(/sign in again/);
    expect(describeError(graphQLErrors({ message: 'Unauthorized field or type', extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } })).message).not.toMatch(/Unauthorized field/);
    expect(describeError(graphQLErrors({ message: 'x', extensions: { code: 'SOMETHING_NEW' } })).message).toMatch(/went wrong/);
    for (const error of [new TypeError('Failed to fetch'), serverError(500, ''), graphQLErrors({ message: 'Product 1 not found', extensions: { code: 'NOT_FOUND' } })]) {
      expect(describeError(error).message).not.toMatch(/status code|Failed to fetch|not found$/);
    }
  });

  it('says how long a throttled sign-in must wait, and never retries it', () => {
    const throttled = (retryAfter?: string) =>
      serverError(
        429,
        { errors: [{ message: 'Too many failed login attempts; try again later', extensions: { code: 'LOGIN_THROTTLED' } }] },
        retryAfter ? { 'retry-after': retryAfter } : {},
      );
    expect(describeError(throttled('2'))).toMatchObject({ code: 'LOGIN_THROTTLED', retryable: false, message: 'Too many sign-in attempts. Please wait 2 seconds and try again.' });
    expect(describeError(throttled('600')).message).toBe('Too many sign-in attempts. Please wait 10 minutes and try again.');
    expect(describeError(throttled()).message).toBe('Too many sign-in attempts. Please wait a while and try again.');
    expect(shouldRetry(1, false, throttled('1'))).toBe(false);
    expect(waitText(1)).toBe('1 second');
    expect(waitText(61_000)).toBe('2 minutes');
  });

  it('asks for a reload when the page sends an operation the router does not know', () => {
    const unknown = serverError(400, { errors: [{ message: 'Unknown operation named "StorefrontOld".', extensions: { code: 'GRAPHQL_UNKNOWN_OPERATION_NAME' } }] });
    expect(describeError(unknown)).toMatchObject({ code: 'GRAPHQL_UNKNOWN_OPERATION_NAME', message: 'This page is out of date. Please reload it.', retryable: false });
  });

  it('puts field errors beside their field, in plain words', () => {
    const described = describeError(graphQLErrors({ message: 'input.body: Too small: expected string to have >=1 characters', extensions: { code: 'BAD_USER_INPUT', field: 'input.body' } }));
    expect(described.fields).toEqual({ body: 'Please fill this in.' });
    expect(describeError(graphQLErrors({ message: 'input.images.0.url: must be an http(s) URL', extensions: { code: 'BAD_USER_INPUT', field: 'input.images.0.url' } })).fields).toHaveProperty('url');
    expect(fieldSentence('input.name: Too big: expected string to have <=200 characters')).toBe('Please use at most 200 characters.');
    expect(fieldSentence('input.sku: ABC-1 already exists')).toBe('This is already taken.');
  });
});

describe('retries', () => {
  it('retries network errors for queries only, and 429/503 for any operation, honouring Retry-After', () => {
    expect(shouldRetry(1, true, new TypeError('Failed to fetch'))).toBe(true);
    expect(shouldRetry(1, false, new TypeError('Failed to fetch'))).toBe(false);
    expect(shouldRetry(1, false, serverError(429, '', { 'retry-after': '2' }))).toBe(true);
    expect(shouldRetry(1, true, serverError(429, '', { 'retry-after': '120' }))).toBe(false);
    expect(shouldRetry(4, true, new TypeError('Failed to fetch'))).toBe(false);
    expect(shouldRetry(1, true, serverError(400, ''))).toBe(false);
    expect(retryDelayMs(1, serverError(429, '', { 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(serverError(503, '', { 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) => retryDelayMs(attempt, new TypeError('x'), () => 1));
    expect(delays).toEqual([400, 800, 1600, 3200, 6400, 8000, 8000]);
  });
});

describe('following an order', () => {
  it('polls with back-off: 0.5 s, 1 s, 2 s, then every 4 s', () => {
    expect([0, 1, 2, 3, 4, 5, 20].map(pollDelayMs)).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000]);
  });
});

describe('tokens, return paths, cart lines, pages, rejections', () => {
  const token = (claims: object) => `h.${btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.s`;

  it('reads expiry and scopes from the token', () => {
    expect(isExpired(token({ exp: 100 }), 200_000)).toBe(true);
    expect(isExpired(token({ exp: 1000 }), 200_000)).toBe(false);
    expect(hasScope(token({ scope: 'customer admin' }), 'admin')).toBe(true);
    expect(hasScope(token({ scope: 'customer' }), 'admin')).toBe(false);
    expect(claimsOf('not a token')).toBeNull();
  });

  it('returns only to paths of this site', () => {
    expect(safeReturnPath('/products/1?x=2')).toBe('/products/1?x=2');
    for (const bad of [null, 'https://evil.test/', '//evil.test/', '/\\evil.test', '/sign-in?from=/x']) expect(safeReturnPath(bad)).toBe('/');
  });

  it('merges cart lines and caps them', () => {
    const lines = addLine([], { productId: 'a', name: 'A', quantity: 2 }, 3);
    expect(addLine(lines, { productId: 'a', name: 'A', quantity: 5 }, 3)).toEqual([{ productId: 'a', name: 'A', quantity: 3 }]);
    expect(addLine(lines, { productId: 'b', name: 'B', quantity: 1 })).toHaveLength(2);
  });

  it('appends a page once, however often it arrives', () => {
    const page = (ids: string[]) => ({ edges: ids.map((id) => ({ cursor: id, node: { __ref: `Product:${id}` } })) });
    const merged = mergePages(page(['1', '2']), page(['3']), { args: { after: '2' } });
    expect(mergePages(merged, page(['3']), { args: { after: '2' } }).edges.map((edge) => edge.cursor)).toEqual(['1', '2', '3']);
  });

  it('finds the order line a rejection is about', () => {
    expect(lineReason('out of stock: VASE-1 has 1, 3 wanted')).toEqual({ key: 'VASE-1', message: 'Out of stock: only 1 left, 3 wanted.' });
    expect(lineReason('out of stock: VASE-1 has 0, 3 wanted')?.message).toBe('Out of stock: none left, 3 wanted.');
    expect(lineReason('LAMP-2 is no longer sold')).toEqual({ key: 'LAMP-2', message: 'No longer sold.' });
    expect(lineReason(null)).toBeNull();
  });
});


import { describe, expect, it } from 'vitest';
import { isAppRoute } from './storefront.js';

describe('the storefront static server', () => {
  it('serves the app for its pages and answers 404 for files it does not have', () => {
    expect(isAppRoute('GET', '/')).toBe(true);
    expect(isAppRoute('GET', '/products/abc?q=a.b')).toBe(true);
    expect(isAppRoute('HEAD', '/no/such/page')).toBe(true);
    expect(isAppRoute('GET', '/favicon.ico')).toBe(false);
    expect(isAppRoute('GET', '/assets/missing.js?v=1')).toBe(false);
    expect(isAppRoute('POST', '/orders')).toBe(false);
  });
});

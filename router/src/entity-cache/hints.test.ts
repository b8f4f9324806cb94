import { describe, expect, it } from 'vitest';
import { parseCacheControl } from './hints.js';

describe('parseCacheControl', () => {
  it('reads what Apollo Server writes from @cacheControl hints', () => {
    expect(parseCacheControl('max-age=300, public')).toEqual({ maxAge: 300, scope: 'PUBLIC' });
    expect(parseCacheControl('max-age=60, private')).toEqual({ maxAge: 60, scope: 'PRIVATE' });
  });

  it('caches nothing without a positive max-age, on no-store / no-cache, or when unparsable', () => {
    for (const header of [undefined, null, '', 'no-store', 'max-age=0, public', 'public', 'max-age=60, no-cache', 'max-age=abc', 'max-age=-5']) {
      expect(parseCacheControl(header)).toBeNull();
    }
  });

  it('prefers s-maxage for shared answers and is case-insensitive', () => {
    expect(parseCacheControl('Max-Age=60, S-MaxAge=10, Public')).toEqual({ maxAge: 10, scope: 'PUBLIC' });
    expect(parseCacheControl('max-age=60, s-maxage=10, private')).toEqual({ maxAge: 60, scope: 'PRIVATE' });
    expect(parseCacheControl(['max-age=30', 'private'])).toEqual({ maxAge: 30, scope: 'PRIVATE' });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { likeLiteral } from './product-service.js';

/** PostgreSQL's LIKE with the default escape character, as a regular expression (reference model). */
function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i]!;
    if (char === '\\') source += (pattern[(i += 1)] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

describe('likeLiteral', () => {
  it('makes a pattern that matches a text containing the search text, and only those', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '%', '_', '\\'), maxLength: 8 });
    fc.assert(
      fc.property(text, text, (needle, haystack) => {
        expect(likeToRegExp(`%${likeLiteral(needle)}%`).test(haystack)).toBe(haystack.includes(needle));
      }),
      { numRuns: 500 },
    );
  });
});

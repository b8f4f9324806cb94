import { describe, expect, it } from 'vitest';
import { errorCodes, readmeCoverage, section, tableNames, testFiles, unmentioned } from './readme-coverage.js';

/**
 * Documented names known to have no test yet, each with the issue whose work adds it. A name leaves
 * this list when a test names it; a name documented later and tested by nothing fails the check.
 * (docs/testing.md says the same per feature.)
 */
const AWAITING_TESTS: Record<string, string> = {};

describe('README settings and error codes have tests', () => {
  it('reads the configuration tables and the error table', () => {
    const readme = [
      '## Configuration',
      '| variable | default | meaning |',
      '| --- | --- | --- |',
      '| `PORT`, `HOST` | `4000` | where |',
      '| users only: `JWT_PRIVATE_KEY` | unset | the key, or `JWT_KEY_DIR` |',
      'Prose naming `NOT_A_SETTING` is not a table.',
      '### Error codes and statuses',
      '| situation | code | HTTP |',
      '| too many tokens | `PARSING_ERROR` ("token limit reached") | 400 |',
      '| limits | `MAX_DEPTH_LIMIT`, `MAX_HEIGHT_LIMIT` | 400 |',
    ].join('\n');
    expect(tableNames(section(readme, 'Configuration'))).toEqual(['PORT', 'HOST', 'JWT_PRIVATE_KEY', 'JWT_KEY_DIR']);
    expect(errorCodes(section(readme, 'Error codes and statuses'))).toEqual(['PARSING_ERROR', 'MAX_DEPTH_LIMIT', 'MAX_HEIGHT_LIMIT']);
    expect(() => section(readme, 'Tests')).toThrow('README has no section "Tests"');
  });

  it('every setting and error code the README documents is named by a test (or awaits one, listed above)', () => {
    const coverage = readmeCoverage();
    expect(Object.keys(coverage.settings).length).toBeGreaterThan(60);
    expect(Object.keys(coverage.codes).length).toBeGreaterThan(25);
    const missing = unmentioned(coverage).filter((name) => !(name in AWAITING_TESTS));
    expect(missing, 'documented in the README, named by no test').toEqual([]);
    const nowTested = Object.keys(AWAITING_TESTS).filter((name) => !unmentioned(coverage).includes(name));
    expect(nowTested, 'named by a test now: remove from AWAITING_TESTS').toEqual([]);
    expect(testFiles().some((file) => file.includes('readme-coverage')), 'the check counts its own files').toBe(false);
  });
});

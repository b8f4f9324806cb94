/**
 * README command-output blocks that need this machine's tools but no stack: `npm run doctor`, run in a
 * network namespace of its own where nothing answers (as on a bare laptop) and USERS_PORT is held
 * (schema/src/readme-examples-live.ts). Its normalised output must be the README's doctor block; the
 * `npm start`, crash/restart and reconcile blocks are checked on the npm start run of npm-start.test.ts.
 * `npm run docs:examples -- --live` regenerates them all.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@commerce/stack/paths';
import { readmeBlock } from '@commerce/schema/src/readme-examples.js';
import { doctorExample } from '@commerce/schema/src/readme-examples-live.js';

describe('README examples that need no stack', () => {
  it("npm run doctor on a bare machine with USERS_PORT taken prints the README's doctor block", async () => {
    const printed = await doctorExample();
    expect(printed).toContain('✖ port 4001 (USERS_PORT) is in use');
    expect(printed).toContain('! no PostgreSQL on 127.0.0.1:5432');
    expect(printed).toBe(readmeBlock(readFileSync(path.join(repoRoot, 'README.md'), 'utf8'), 'doctor'));
  }, 60_000);
});

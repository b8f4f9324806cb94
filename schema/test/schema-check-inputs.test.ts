/**
 * `schema:check` on the repository's real inputs, for the inputs the fixtures of schema-check.test.ts
 * leave out: client operation files (`clients/*\/src/**\/*.graphql`), the storefront's persisted-query
 * manifest, and `--base <ref>` (the base read from git).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/composition.js';
import { changedCopy, schemaCheck } from '../src/readme-examples.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Removes `Product.<field>` (with its description) from the products schema. */
const withoutProductField = (field: string) => (sdl: string) => sdl.replace(new RegExp(`\\n  "[^"\\n]*"\\n  ${field}: [^\\n]+`), '');

describe('schema:check on the real operations', () => {
  it('fails a breaking change only the storefront uses, naming its operation file and its manifest', async () => {
    const dir = path.join(repoRoot, '.data', 'schema-check-inputs', randomUUID());
    dirs.push(dir);
    // Product.description: read by the storefront's product page, by no partner.
    await changedCopy(dir, withoutProductField('description'));
    const { code, stdout } = await schemaCheck(['--root', dir, '--base-file', 'base.graphql']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL\s+│ BREAKING │ FIELD_REMOVED\s+│ Product\.description/);
    expect(stdout).toContain('StorefrontProduct (clients/storefront/src/operations/product.graphql)');
    expect(stdout).toContain('StorefrontProduct (schema/persisted-queries/storefront.json)');
    expect(stdout).not.toContain('partners/acme');
  });

  it('passes the same change when no operation file is given, with a warning', async () => {
    const dir = path.join(repoRoot, '.data', 'schema-check-inputs', randomUUID());
    dirs.push(dir);
    await changedCopy(dir, withoutProductField('description'));
    const { code, stdout } = await schemaCheck(['--root', dir, '--base-file', 'base.graphql', '--manifests', 'none/*.json', '--operations', 'none/**/*.graphql']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/WARN\s+│ BREAKING │ FIELD_REMOVED\s+│ Product\.description/);
  });

  it('--base <ref> reads the base supergraph from git: the committed schemas against HEAD pass', async () => {
    const { code, stdout } = await schemaCheck(['--base', 'HEAD']);
    expect(stdout).toContain('against HEAD');
    expect(code).toBe(0);
  });
});

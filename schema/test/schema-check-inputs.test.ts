/**
 * `schema:check` on the repository's real inputs, for the inputs the fixtures of schema-check.test.ts
 * leave out: client operation files (`clients/*\/src/**\/*.graphql`), the storefront's persisted-query
 * manifest, and `--base <ref>` (the base read from git).
 */
import { execFile } from 'node:child_process';
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

  it('--base <ref> that does not resolve (or has no supergraph) could not run: exit 3 naming the ref, never a silent pass', async () => {
    const run = (ref: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', 'schema/src/check.ts', '--base', ref], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
          resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
        );
      });
    const empty = await new Promise<string>((resolve, reject) =>
      execFile('git', ['commit-tree', '4b825dc642cb6eb9a060e54bf8d69288fbee4904', '-m', 'empty'], { cwd: repoRoot }, (error, stdout) => (error ? reject(error) : resolve(stdout.trim()))),
    );
    for (const [ref, says] of [
      ['orgin/main', 'does not name a commit'],
      ['', 'does not name a commit'],
      [empty, 'has no schema/supergraph.graphql'],
    ] as const) {
      const { code, stdout, stderr } = await run(ref);
      expect({ code, stdout }, ref).toEqual({ code: 3, stdout: '' });
      expect(stderr, ref).toContain(`--base ${JSON.stringify(ref)} ${says}`);
    }
  });
});

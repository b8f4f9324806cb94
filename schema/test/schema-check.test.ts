import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compose, readSubgraphs, repoRoot, supergraphPath } from '../src/composition.js';
import type { CheckResult } from '../src/check/report.js';

const run = promisify(execFile);
const SUBGRAPHS = ['users', 'products', 'reviews', 'orders'] as const;
type Sdls = Record<(typeof SUBGRAPHS)[number], string>;

interface Fixture {
  /** Edits the real subgraph schemas. */
  change?: (sdls: Sdls) => void;
  /** Keep the committed supergraph as it was (do not recompose). */
  stale?: boolean;
  /** Extra manifests to check, `name -> operations`; the real partner manifests are always included. */
  manifests?: Record<string, { name: string; body: string }[]>;
  /** A schema-checks.json of the fixture's own instead of the repository's. */
  checksConfig?: Record<string, Record<string, string>>;
}

/** A repository in miniature: the subgraphs (changed), rover.yaml, the committed supergraph, operations. */
async function check(fixture: Fixture, format: 'json' | 'text' = 'json') {
  const dir = path.join(repoRoot, '.data', 'schema-check-fixtures', randomUUID());
  const sdls = Object.fromEntries(SUBGRAPHS.map((name) => [name, readFileSync(path.join(repoRoot, `subgraphs/${name}/schema.graphql`), 'utf8')])) as Sdls;
  fixture.change?.(sdls);
  const rover = ['federation_version: =2.14.4', 'subgraphs:'];
  for (const [index, name] of SUBGRAPHS.entries()) {
    mkdirSync(path.join(dir, name), { recursive: true });
    writeFileSync(path.join(dir, name, 'schema.graphql'), sdls[name]);
    rover.push(`  ${name}:`, `    routing_url: http://127.0.0.1:${4001 + index}/graphql`, '    schema:', `      file: ./${name}/schema.graphql`);
  }
  writeFileSync(path.join(dir, 'rover.yaml'), `${rover.join('\n')}\n`);
  copyFileSync(supergraphPath, path.join(dir, 'base.graphql'));
  const composed = compose(readSubgraphs(path.join(dir, 'rover.yaml')));
  writeFileSync(path.join(dir, 'supergraph.graphql'), fixture.stale || !composed.ok ? readFileSync(supergraphPath, 'utf8') : composed.supergraphSdl);
  mkdirSync(path.join(dir, 'manifests'), { recursive: true });
  for (const partner of ['acme', 'globex']) {
    copyFileSync(path.join(repoRoot, `schema/persisted-queries/partners/${partner}.json`), path.join(dir, 'manifests', `${partner}.json`));
  }
  for (const [name, operations] of Object.entries(fixture.manifests ?? {})) {
    const manifest = { format: 'apollo-persisted-query-manifest', version: 1, operations: operations.map((op) => ({ id: randomUUID(), type: 'query', ...op })) };
    writeFileSync(path.join(dir, 'manifests', `${name}.json`), JSON.stringify(manifest));
  }
  const checksConfig = path.join(dir, 'schema-checks.json');
  if (fixture.checksConfig) writeFileSync(checksConfig, JSON.stringify(fixture.checksConfig));
  else copyFileSync(path.join(repoRoot, 'schema/schema-checks.json'), checksConfig);
  const args = ['--import', 'tsx', 'schema/src/check.ts', '--root', dir, '--supergraph', 'supergraph.graphql', '--base-file', 'base.graphql', '--manifests', 'manifests/*.json', '--operations', 'none/**/*.graphql', '--checks-config', checksConfig];
  if (format === 'json') args.push('--json');
  const outcome = await run(process.execPath, args, { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  return { code: outcome.code, text: outcome.stdout, result: format === 'json' ? (JSON.parse(outcome.stdout) as CheckResult) : null };
}

const addField = (sdl: string, type: string, field: string) => sdl.replace(new RegExp(`(type ${type} @key[^{]*\\{)`), `$1\n  ${field}`);

describe('npm run schema:check', () => {
  it('passes a safe additive change cleanly', async () => {
    const { code, result } = await check({ change: (s) => (s.products = addField(s.products, 'Product', '"The colour, if it has one."\n  color: String')) });
    expect(code).toBe(0);
    expect(result!.verdict).toBe('pass');
    expect(result!.changes.changes).toContainEqual(expect.objectContaining({ status: 'PASS', severity: 'SAFE', code: 'FIELD_ADDED', coordinate: 'Product.color' }));
    expect(result!.changes.changes.every((change) => change.status === 'PASS')).toBe(true);
    for (const step of [result!.composition, result!.staleness, result!.operations, result!.lint]) expect(step.status).toBe('PASS');
  });

  it('fails on a composition error, naming its code and subgraph', async () => {
    const { code, result } = await check({ change: (s) => (s.orders = s.orders.replace('amountCents: Cents!', 'amountCents: Float!')) });
    expect(code).toBe(1);
    expect(result!.composition.status).toBe('FAIL');
    expect(result!.composition.errors[0]).toMatchObject({ code: 'FIELD_TYPE_MISMATCH', subgraphs: expect.arrayContaining(['orders']) });
  });

  it('fails when the committed supergraph is stale', async () => {
    const { code, result } = await check({ stale: true, change: (s) => (s.products = addField(s.products, 'Product', '"The colour."\n  color: String')) });
    expect(code).toBe(1);
    expect(result!.staleness.status).toBe('FAIL');
    expect(result!.summary).toContain('stale');
  });

  it('fails a breaking change that a persisted operation uses, naming the operation', async () => {
    const { code, result } = await check({ change: (s) => (s.products = s.products.replace(/\n {2}"Units available[^\n]*\n {2}stock: Int!/, '')) });
    expect(code).toBe(1);
    expect(result!.changes.status).toBe('FAIL');
    expect(result!.changes.changes).toContainEqual(
      expect.objectContaining({
        status: 'FAIL',
        severity: 'BREAKING',
        code: 'FIELD_REMOVED',
        coordinate: 'Product.stock',
        operations: expect.arrayContaining([{ name: 'PartnerProductBySku', source: expect.stringContaining('acme.json') }]),
      }),
    );
  });

  it('passes, with a warning, a breaking change no operation uses', async () => {
    const { code, result, text } = await Promise.all([
      check({ change: (s) => (s.users = s.users.replace(/\n {2}"Number of reviews written[^\n]*\n {2}reviewCount: Int!/, '')) }),
      check({ change: (s) => (s.users = s.users.replace(/\n {2}"Number of reviews written[^\n]*\n {2}reviewCount: Int!/, '')) }, 'text'),
    ]).then(([json, plain]) => ({ ...json, text: plain.text }));
    expect(code).toBe(0);
    expect(result!.verdict).toBe('pass');
    expect(result!.changes.changes).toContainEqual(expect.objectContaining({ status: 'WARN', severity: 'BREAKING', code: 'FIELD_REMOVED', coordinate: 'User.reviewCount', operations: [] }));
    expect(text).toContain('no operation uses it');
  });

  it('fails when a persisted operation no longer validates', async () => {
    const { code, result } = await check({ manifests: { legacy: [{ name: 'LegacyWeight', body: 'query LegacyWeight { product(sku: "A") { weight } }' }] } });
    expect(code).toBe(1);
    expect(result!.operations.status).toBe('FAIL');
    expect(result!.operations.invalid).toEqual([{ name: 'LegacyWeight', source: expect.stringContaining('legacy.json'), errors: [expect.stringContaining('weight')] }]);
  });

  it('fails lint violations: naming, Input suffix, missing descriptions, a list outside a connection', async () => {
    const { code, result } = await check({
      change: (s) => {
        s.products = addField(s.products, 'Product', 'Bad_Field: String');
        s.products = addField(s.products, 'Product', '"Tags."\n  tags: [Tag!]!');
        s.products += '\n"A tag."\ntype Tag {\n  "Its label."\n  label: String!\n}\n\n"Search terms."\ninput ProductSearch {\n  "Text."\n  text: String\n}\n';
        s.products = s.products.replace('  "One product by id or by SKU (give exactly one)."', '  "Search."\n  search(terms: ProductSearch): [Product!]!\n  "One product by id or by SKU (give exactly one)."');
      },
    });
    expect(code).toBe(1);
    const found = result!.lint.violations.map((v) => `${v.rule} ${v.location.includes(':') ? v.location.split(':')[0] : v.location}`);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^naming-convention .*products/),
      expect.stringMatching(/^require-description .*products/),
      'list-behind-connection Product.tags',
      'list-behind-connection Query.search',
    ]));
    expect(result!.lint.violations.some((v) => /Input/.test(v.message))).toBe(true);
  });

  describe('fault isolation: fields across a subgraph boundary are nullable', () => {
    const nonNullReviews = (s: Sdls) => {
      const at = s.reviews.indexOf('type Product @key');
      s.reviews = s.reviews.slice(0, at) + s.reviews.slice(at).replace('): ReviewConnection\n', '): ReviewConnection!\n');
    };
    const nonNullAuthor = (s: Sdls) => (s.reviews = s.reviews.replace('\n  author: User\n', '\n  author: User!\n'));

    it('passes the real schemas: every cross-subgraph field is nullable', async () => {
      const { result } = await check({});
      expect(result!.lint.violations.filter((v) => v.rule === 'nullable-across-subgraphs')).toEqual([]);
    });

    it("fails a field one subgraph contributes to another's entity made non-null (Product.reviews)", async () => {
      const { code, result } = await check({ change: nonNullReviews });
      expect(code).toBe(1);
      const violation = result!.lint.violations.find((v) => v.rule === 'nullable-across-subgraphs');
      expect(violation).toMatchObject({ location: 'Product.reviews', message: expect.stringContaining('resolved outside products') });
      expect(violation?.message).toContain('ProductEdge.node');
    });

    it('fails a non-null reference to an entity resolved elsewhere (Review.author)', async () => {
      const { code, result } = await check({ change: nonNullAuthor });
      expect(code).toBe(1);
      const found = result!.lint.violations.filter((v) => v.rule === 'nullable-across-subgraphs');
      expect(found.map((v) => v.location)).toContain('User.name');
      expect(found.every((v) => v.message.includes('from Review.author'))).toBe(true);
    });

    it('passes an exemption that gives a reason, and only with one', async () => {
      const exempted = await check({ change: nonNullReviews, checksConfig: { nonNullAcrossSubgraphs: { 'Product.reviews': 'Reviews are part of the product page contract.' } } });
      expect(exempted.result!.lint.violations.filter((v) => v.rule === 'nullable-across-subgraphs')).toEqual([]);
      const reasonless = await check({ change: nonNullReviews, checksConfig: { nonNullAcrossSubgraphs: { 'Product.reviews': '' } } });
      expect(reasonless.result!.lint.violations.map((v) => v.location)).toContain('Product.reviews');
    });
  });

  it('prints a report that reads like rover subgraph check', async () => {
    const { text } = await check({ change: (s) => (s.products = s.products.replace(/\n {2}"Units available[^\n]*\n {2}stock: Int!/, '')) }, 'text');
    expect(text).toMatch(/^Checking the proposed supergraph \(users, products, reviews, orders\) against base\.graphql/);
    for (const section of ['Composition', 'Supergraph file', 'Schema changes', 'Operations', 'Lint']) expect(text).toContain(section);
    expect(text).toMatch(/Compared \d+ schema changes against \d+ operations/);
    expect(text).toMatch(/│ FAIL +│ BREAKING │ FIELD_REMOVED +│ Product\.stock/);
    expect(text).toMatch(/\nerror: Check failed\. .*breaking change/);
  });
});

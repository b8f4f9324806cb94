import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PLANNER_GAP_REFERENCES } from '../src/check/planner-gaps.js';
import { compose, readSubgraphs, repoRoot } from '../src/composition.js';
import type { CheckResult } from '../src/check/report.js';

const run = promisify(execFile);
const fixtures = path.join(repoRoot, 'schema/test/fixtures/planner-gaps');

/** `npm run schema:check` on a fixture supergraph (composed fresh, so only the planner rules can differ). */
async function check(fixture: string, allowedLists: Record<string, string> = {}) {
  const dir = path.join(fixtures, fixture);
  const work = path.join(repoRoot, '.data', 'schema-check-fixtures', randomUUID());
  mkdirSync(work, { recursive: true });
  const composed = compose(readSubgraphs(path.join(dir, 'rover.yaml')));
  if (!composed.ok) throw new Error(`${fixture} does not compose: ${JSON.stringify(composed.errors)}`);
  writeFileSync(path.join(work, 'supergraph.graphql'), composed.supergraphSdl);
  writeFileSync(path.join(work, 'checks.json'), JSON.stringify({ listsAllowedOutsideConnections: allowedLists }));
  const args = ['--import', 'tsx', 'schema/src/check.ts', '--root', dir, '--config', 'rover.yaml', '--supergraph', path.join(work, 'supergraph.graphql'), '--base-file', path.join(work, 'supergraph.graphql'), '--manifests', 'none/*.json', '--operations', 'none/**/*.graphql', '--checks-config', path.join(work, 'checks.json')];
  const outcome = async (format: string[]) =>
    run(process.execPath, [...args, ...format], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
  const [json, text] = await Promise.all([outcome(['--json']), outcome([])]);
  const result = JSON.parse(json.stdout) as CheckResult;
  return { code: json.code, result, text: text.stdout, planner: result.lint.violations.filter((violation) => violation.rule.startsWith('planner-')) };
}

describe('schema:check refuses what the gateway planner gets wrong', () => {
  it('refuses @requires of a field with arguments, naming the field and the public reference', async () => {
    const { code, planner, text } = await check('requires-arguments');
    expect(code).toBe(1);
    expect(planner).toEqual([
      {
        rule: 'planner-requires-arguments',
        location: expect.stringMatching(/authors\.graphql:\d+:\d+ \(authors Post\.author\)$/),
        message: expect.stringContaining('Post.author @requires "comments(limit: 3)"'),
      },
    ]);
    expect(planner[0]!.message).toContain(PLANNER_GAP_REFERENCES['planner-requires-arguments'][0]);
    expect(text).toMatch(/planner-requires-arguments: Post\.author @requires/);
    expect(text).toMatch(/error: Check failed\. .*lint violation/);
  });

  it('refuses two @requires of one field with different arguments under one response key, saying the numbers are wrong', async () => {
    const { code, planner } = await check('requires-argument-conflict');
    expect(code).toBe(1);
    expect(planner.map((violation) => violation.location.replace(/^.*\((.*)\)$/, '$1'))).toEqual(['shipping Product.shippingEstimate', 'shipping Product.shippingEstimateEUR', 'shipping Product']);
    expect(planner[2]!.message).toMatch(/Product\.price is required with different arguments under one response key by Product\.shippingEstimate \(currency: "USD"\) and Product\.shippingEstimateEUR \(currency: "EUR"\)/);
    expect(planner[2]!.message).toContain(PLANNER_GAP_REFERENCES['planner-requires-arguments'][1]);
  });

  it('refuses the multi-key mashup: a type with @requires whose first local @key is not resolvable', async () => {
    const { code, planner } = await check('requires-first-key');
    expect(code).toBe(1);
    expect(planner).toHaveLength(1);
    expect(planner[0]).toMatchObject({ rule: 'planner-requires-first-key', location: expect.stringMatching(/b\.graphql:\d+:\d+ \(b A\)$/) });
    expect(planner[0]!.message).toContain('@key(fields: "compositeId { one two }") is resolvable: false');
    expect(planner[0]!.message).toContain('Declare the resolvable @key(fields: "id compositeId { two three }") first.');
    expect(planner[0]!.message).toContain(PLANNER_GAP_REFERENCES['planner-requires-first-key'][0]);
  });

  it('refuses a non-resolvable @interfaceObject that adds fields', async () => {
    const { code, planner } = await check('unresolvable-interface-object');
    expect(code).toBe(1);
    expect(planner).toHaveLength(1);
    expect(planner[0]).toMatchObject({ rule: 'planner-unresolvable-interface-object', location: expect.stringMatching(/b\.graphql:\d+:\d+ \(b Node\)$/) });
    expect(planner[0]!.message).toContain('yet it adds field');
    expect(planner[0]!.message).toContain(PLANNER_GAP_REFERENCES['planner-unresolvable-interface-object'][0]);
  });

  it('passes the same features used the ways the planner answers correctly', async () => {
    const { code, result, planner } = await check('safe', { 'Query.products': 'fixture' });
    expect(planner).toEqual([]);
    expect(result.lint.violations).toEqual([]);
    expect(code).toBe(0);
  });
});

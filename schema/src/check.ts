/**
 * `npm run schema:check`: tells a subgraph team, before merge, whether its schema change is safe. Fully
 * offline, in the repo, no registry:
 *
 *   1. composes the subgraphs rover.yaml lists (@apollo/composition); composition errors fail, with code
 *      and subgraph;
 *   2. fails when the committed schema/supergraph.graphql differs from that composition;
 *   3. diffs the API schema against a base supergraph (the merge base with main, or the previous commit;
 *      `--base <ref>` or `--base-file <file>`) with @graphql-inspector/core: a breaking change fails only
 *      when an operation of a persisted-query manifest or a client operation file uses what it changes,
 *      otherwise it is a warning ("no operation uses it");
 *   4. validates every persisted and client operation against the proposed API schema;
 *   5. lints the subgraph schemas (naming, `Input` suffix, descriptions, lists behind connections, fields
 *      across a subgraph boundary nullable).
 *
 * Prints a report like `rover subgraph check` (or `--json`) and exits 0 or 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommand } from '@commerce/kit/cli';
import { compose, readSubgraphs, repoRoot as defaultRoot } from './composition.js';
import { apiSchemaOf } from './check/api-schema.js';
import { supergraphAt, type Base } from './check/base.js';
import { schemaChanges } from './check/changes.js';
import { lintConnections, lintSubgraph, lintSubgraphBoundaries } from './check/lint.js';
import { loadOperations, validationErrors } from './check/operations.js';
import { plannerGaps } from './check/planner-gaps.js';
import { renderText, type CheckResult, type Status } from './check/report.js';

export interface CheckOptions {
  root: string;
  config: string;
  supergraph: string;
  base?: string;
  baseFile?: string;
  manifests: string[];
  operationFiles: string[];
  checksConfig: string;
}

const worst = (statuses: Status[]): Status =>
  statuses.includes('FAIL') ? 'FAIL' : statuses.includes('WARN') ? 'WARN' : statuses.every((s) => s === 'SKIP') && statuses.length > 0 ? 'SKIP' : 'PASS';

export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const subgraphs = readSubgraphs(options.config);
  const composition = compose(subgraphs);
  const supergraphFile = path.relative(options.root, options.supergraph);
  const operations = loadOperations(options.root, options.manifests, options.operationFiles);
  const checksConfig = existsSync(options.checksConfig)
    ? (JSON.parse(readFileSync(options.checksConfig, 'utf8')) as { listsAllowedOutsideConnections?: Record<string, string>; nonNullAcrossSubgraphs?: Record<string, string> })
    : {};
  const allowedLists = checksConfig.listsAllowedOutsideConnections ?? {};
  const lintViolations = [...subgraphs.flatMap((subgraph) => lintSubgraph(subgraph.file, options.root)), ...plannerGaps(subgraphs, options.root)];

  const result: CheckResult = {
    subgraphs: subgraphs.map((s) => s.name),
    base: null,
    composition: { status: 'PASS', errors: [], hints: 0 },
    staleness: { status: 'SKIP', file: supergraphFile },
    changes: { status: 'SKIP', operationsCompared: operations.length, changes: [], note: 'not compared (composition failed)' },
    operations: { status: 'SKIP', checked: 0, invalid: [] },
    lint: { status: 'PASS', violations: lintViolations },
    verdict: 'pass',
    summary: '',
  };

  if (!composition.ok) {
    result.composition = { status: 'FAIL', errors: composition.errors, hints: 0 };
  } else {
    result.composition.hints = composition.hints.length;
    const committed = existsSync(options.supergraph) ? readFileSync(options.supergraph, 'utf8') : '';
    result.staleness.status = committed === composition.supergraphSdl ? 'PASS' : 'FAIL';

    const proposed = apiSchemaOf(composition.supergraphSdl);
    const base: Base | null = options.baseFile
      ? { label: path.relative(options.root, options.baseFile), sdl: readFileSync(options.baseFile, 'utf8') }
      : supergraphAt(options.root, options.supergraph, options.base);
    result.base = base?.label ?? null;
    if (!base) {
      result.changes = { status: 'SKIP', operationsCompared: operations.length, changes: [], note: 'no base supergraph (first commit or shallow clone): changes not compared' };
    } else {
      const changes = (await schemaChanges(apiSchemaOf(base.sdl), proposed, operations)).map((change) => ({
        ...change,
        status: (change.severity === 'BREAKING' ? (change.operations.length > 0 ? 'FAIL' : 'WARN') : change.severity === 'DANGEROUS' ? 'WARN' : 'PASS') as Status,
      }));
      result.changes = { status: worst(changes.map((c) => c.status)), operationsCompared: operations.length, changes };
    }

    const invalid = operations
      .map((operation) => ({ name: operation.name, source: operation.source, errors: validationErrors(proposed, operation) }))
      .filter((operation) => operation.errors.length > 0);
    result.operations = { status: invalid.length > 0 ? 'FAIL' : 'PASS', checked: operations.length, invalid };
    result.lint.violations.push(...lintConnections(proposed, allowedLists));
    result.lint.violations.push(...lintSubgraphBoundaries(subgraphs, proposed, checksConfig.nonNullAcrossSubgraphs ?? {}));
  }
  result.lint.status = result.lint.violations.length > 0 ? 'FAIL' : 'PASS';

  const failures = [
    result.composition.status === 'FAIL' && `${result.composition.errors.length} composition error(s)`,
    result.staleness.status === 'FAIL' && 'the committed supergraph is stale',
    result.changes.status === 'FAIL' && `${result.changes.changes.filter((c) => c.status === 'FAIL').length} breaking change(s) used by operations`,
    result.operations.status === 'FAIL' && `${result.operations.invalid.length} operation(s) no longer validate`,
    result.lint.status === 'FAIL' && `${result.lint.violations.length} lint violation(s)`,
  ].filter((failure): failure is string => Boolean(failure));
  const warnings = result.changes.changes.filter((c) => c.status === 'WARN').length;
  result.verdict = failures.length > 0 ? 'fail' : 'pass';
  result.summary =
    failures.length > 0
      ? `${failures.join(', ')}.`
      : `${result.changes.changes.length} schema change(s), none breaking an operation${warnings > 0 ? `; ${warnings} warning(s)` : ''}.`;
  return result;
}

const SPEC_TEXT = {
  command: 'npm run schema:check',
  summary: 'Composes the subgraphs, checks the committed supergraph, diffs the API schema against a base, validates every persisted and client operation and lints the subgraph schemas (like `rover subgraph check`, offline).',
  exitCodes: { 1: 'the check failed (composition, stale supergraph, a breaking change an operation uses, an invalid operation, lint)', 3: 'the check could not run (e.g. an unreadable file or git ref)' },
};

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const { values } = parseCommand({
    ...SPEC_TEXT,
    options: {
      root: { type: 'string', valueName: '<dir>', description: 'the root the other paths are relative to (default: this repository)' },
      config: { type: 'string', valueName: '<file>', default: 'rover.yaml', description: 'the subgraphs to compose' },
      supergraph: { type: 'string', valueName: '<file>', default: 'schema/supergraph.graphql', description: 'the committed supergraph' },
      base: { type: 'string', valueName: '<git ref>', description: 'compare against the supergraph at this ref (default: the merge base with main, or the previous commit)' },
      'base-file': { type: 'string', valueName: '<file>', description: 'compare against this supergraph file instead of a git ref' },
      manifests: { type: 'string', multiple: true, valueName: '<glob>', default: ['schema/persisted-queries/**/*.json'], description: 'persisted-query manifests whose operations must keep working' },
      operations: { type: 'string', multiple: true, valueName: '<glob>', default: ['schema/operations/**/*.graphql', 'clients/*/src/**/*.graphql'], description: 'client operation files whose operations must keep working' },
      'checks-config': { type: 'string', valueName: '<file>', default: 'schema/schema-checks.json', description: 'lint exceptions (lists allowed outside connections)' },
      json: { type: 'boolean', default: false, description: 'print the report as JSON' },
    },
  });
  const root = path.resolve(values.root ?? defaultRoot);
  const at = (file: string) => path.resolve(root, file);
  const options: CheckOptions = {
    root,
    config: at(values.config),
    supergraph: at(values.supergraph),
    // An explicit `--base`, even an empty one, is compared with or refused (exit 3): never silently skipped.
    ...(values.base !== undefined ? { base: values.base } : {}),
    ...(values['base-file'] ? { baseFile: at(values['base-file']) } : {}),
    manifests: values.manifests,
    operationFiles: values.operations,
    checksConfig: at(values['checks-config']),
  };
  runCheck(options)
    .then((result) => {
      process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderText(result));
      process.exit(result.verdict === 'pass' ? 0 : 1);
    })
    .catch((error: unknown) => {
      process.stderr.write(`schema check could not run: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(3);
    });
}

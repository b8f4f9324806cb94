/** The check's report: sections and tables in the manner of `rover subgraph check`, or the same as JSON. */
import type { CompositionProblem } from '../composition.js';
import type { SchemaChange } from './changes.js';
import type { LintViolation } from './lint.js';

export type Status = 'PASS' | 'WARN' | 'FAIL' | 'SKIP';

export interface CheckResult {
  subgraphs: string[];
  base: string | null;
  composition: { status: Status; errors: CompositionProblem[]; hints: number };
  staleness: { status: Status; file: string };
  changes: { status: Status; operationsCompared: number; changes: (SchemaChange & { status: Status })[]; note?: string };
  operations: { status: Status; checked: number; invalid: { name: string; source: string; errors: string[] }[] };
  lint: { status: Status; violations: LintViolation[] };
  verdict: 'pass' | 'fail';
  summary: string;
}

/** Table cells stay readable: long descriptions are cut (the JSON report has them whole). */
const cell = (text: string, max = 110) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i]!.length)));
  const line = (left: string, mid: string, right: string) => `${left}${widths.map((w) => '─'.repeat(w + 2)).join(mid)}${right}`;
  const row = (cells: string[]) => `│${cells.map((cell, i) => ` ${cell.padEnd(widths[i]!)} `).join('│')}│`;
  return [line('┌', '┬', '┐'), row(headers), line('├', '┼', '┤'), ...rows.flatMap((r, i) => (i === 0 ? [row(r)] : [line('├', '┼', '┤'), row(r)])), line('└', '┴', '┘')].join('\n');
}

const mark: Record<Status, string> = { PASS: '✔', WARN: '!', FAIL: '✖', SKIP: '-' };

export function renderText(result: CheckResult): string {
  const out: string[] = [];
  out.push(`Checking the proposed supergraph (${result.subgraphs.join(', ')}) against ${result.base ?? 'no base'}`);
  out.push('');
  out.push(`${mark[result.composition.status]} Composition`);
  if (result.composition.errors.length === 0) out.push(`  ${result.subgraphs.length} subgraphs composed (${result.composition.hints} hints)`);
  for (const error of result.composition.errors) out.push(`  error[${error.code}] ${error.subgraphs.join(', ') || '-'}: ${error.message.split('\n')[0]}`);
  out.push('');
  out.push(`${mark[result.staleness.status]} Supergraph file`);
  out.push(
    result.staleness.status === 'PASS'
      ? `  ${result.staleness.file} matches the composition`
      : result.staleness.status === 'SKIP'
        ? '  not compared (composition failed)'
        : `  ${result.staleness.file} is stale: run \`npm run compose\` and commit it`,
  );
  out.push('');
  out.push(`${mark[result.changes.status]} Schema changes`);
  if (result.changes.note) out.push(`  ${result.changes.note}`);
  else {
    out.push(`  Compared ${result.changes.changes.length} schema changes against ${result.changes.operationsCompared} operations`);
    if (result.changes.changes.length > 0) {
      const rows = result.changes.changes.map((change) => [
        change.status,
        change.severity,
        change.code,
        change.coordinate,
        cell(
          change.severity === 'SAFE'
            ? change.description
            : change.operations.length > 0
              ? `${change.description}; used by ${change.operations.length} operation(s)`
              : `${change.description}; no operation uses it`,
        ),
      ]);
      out.push(table(['Change', 'Severity', 'Code', 'Coordinate', 'Description'], rows).replace(/^/gm, '  '));
      for (const change of result.changes.changes.filter((c) => c.operations.length > 0)) {
        out.push(`  ${change.coordinate} (${change.code}) is used by:`);
        for (const operation of change.operations) out.push(`    - ${operation.name} (${operation.source})`);
      }
    }
  }
  out.push('');
  out.push(`${mark[result.operations.status]} Operations`);
  if (result.operations.status === 'SKIP') out.push('  not validated (composition failed)');
  else if (result.operations.invalid.length === 0) out.push(`  ${result.operations.checked} operations validate against the proposed API schema`);
  for (const invalid of result.operations.invalid) out.push(`  ✖ ${invalid.name} (${invalid.source}): ${invalid.errors.join('; ')}`);
  out.push('');
  out.push(`${mark[result.lint.status]} Lint`);
  if (result.lint.violations.length === 0) out.push('  no violations');
  for (const violation of result.lint.violations) out.push(`  ${violation.location} ${violation.rule}: ${violation.message}`);
  out.push('');
  out.push(result.verdict === 'pass' ? `Check passed. ${result.summary}` : `error: Check failed. ${result.summary}`);
  return `${out.join('\n')}\n`;
}

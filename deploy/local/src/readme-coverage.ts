/**
 * Does every setting and error code the README documents have a test that names it? The README's
 * configuration tables (section "Configuration", before "Error codes and statuses") list the
 * environment variables; the "Error codes and statuses" table lists the codes the router answers with.
 * A name no test file mentions is a documented behaviour nothing checks. `docs/testing.md` maps each
 * to its tests; this is the mechanical floor under that table.
 *
 * `node --import tsx deploy/local/src/readme-coverage.ts` prints the report (exit 1 when a name is
 * unmentioned); `readme-coverage.test.ts` runs the same check in `npm test`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

/** Where tests live (integration, browser, per-subgraph, schema fixtures) and unit tests beside sources. */
const TEST_ROOTS = ['tests', 'subgraphs', 'schema', 'router', 'deploy', 'bench', 'clients'];
/** This check's own files name every documented setting (its list of names awaiting a test): they prove nothing. */
const isTestFile = (file: string) =>
  !file.includes('readme-coverage') && (/\.test\.tsx?$/.test(file) || /(^|\/)(tests|test)\/.*\.tsx?$/.test(file));

/** The lines of the README between the heading `start` and the next heading of any level. */
export function section(readme: string, start: string): string[] {
  const lines = readme.split('\n');
  const from = lines.findIndex((line) => line.replace(/^#+\s*/, '') === start && line.startsWith('#'));
  if (from < 0) throw new Error(`README has no section "${start}"`);
  const to = lines.findIndex((line, index) => index > from && line.startsWith('#'));
  return lines.slice(from + 1, to < 0 ? undefined : to);
}

/** Backticked ALL_CAPS names anywhere in the table rows of `lines` (settings named in a "does" column too). */
export function tableNames(lines: string[]): string[] {
  const names = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith('|')) continue;
    for (const match of line.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)) names.add(match[1]!);
  }
  return [...names];
}

/** Codes in the second column of the error table (`PARSING_ERROR` ("token limit…") keeps only the code). */
export function errorCodes(lines: string[]): string[] {
  const codes = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue;
    const cell = (line.split('|')[2] ?? '').replace(/\([^)]*\)/g, '');
    for (const match of cell.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)) codes.add(match[1]!);
  }
  return [...codes];
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'generated' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) listFiles(full, out);
    else if (/\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Every test file of the repository, relative to `root`. */
export function testFiles(root = repoRoot): string[] {
  return TEST_ROOTS.flatMap((top) => listFiles(path.join(root, top)))
    .map((file) => path.relative(root, file))
    .filter(isTestFile);
}

export interface Coverage {
  settings: Record<string, string[]>;
  codes: Record<string, string[]>;
}

/** For each documented setting and error code, the test files that name it (as a whole word). */
export function readmeCoverage(root = repoRoot): Coverage {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const settings = tableNames(section(readme, 'Configuration'));
  const codes = errorCodes(section(readme, 'Error codes and statuses'));
  const files = testFiles(root).map((file) => ({ file, text: readFileSync(path.join(root, file), 'utf8') }));
  const mentions = (name: string) => files.filter(({ text }) => new RegExp(`\\b${name}\\b`).test(text)).map(({ file }) => file);
  return {
    settings: Object.fromEntries(settings.map((name) => [name, mentions(name)])),
    codes: Object.fromEntries(codes.map((code) => [code, mentions(code)])),
  };
}

/** Names documented in the README that no test file mentions. */
export function unmentioned(coverage: Coverage): string[] {
  return [...Object.entries(coverage.settings), ...Object.entries(coverage.codes)].filter(([, files]) => files.length === 0).map(([name]) => name);
}

if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href) {
  const coverage = readmeCoverage();
  for (const [kind, names] of Object.entries(coverage) as [string, Record<string, string[]>][]) {
    console.log(`${kind}:`);
    for (const [name, files] of Object.entries(names)) console.log(`  ${name.padEnd(32)} ${files.length === 0 ? 'NO TEST' : files.join(', ')}`);
  }
  const missing = unmentioned(coverage);
  if (missing.length > 0) {
    console.error(`\nDocumented in the README but named by no test: ${missing.join(', ')}`);
    process.exit(1);
  }
}

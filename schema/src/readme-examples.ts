/**
 * `npm run docs:examples`: regenerates the README's command-output blocks from real runs, between
 * `<!-- readme-example: <name> -->` and `<!-- /readme-example -->`; `-- --check` only compares and
 * exits 1 when a block is not what the command prints today (CI runs that).
 *
 * Offline blocks (regenerated and checked here, in seconds):
 * - `schema-check`: `npm run schema:check` on a copy of this repository's real schema inputs (rover.yaml,
 *   the subgraph schemas, every persisted-query manifest, `schema/operations/`, the client operation
 *   files) with the change the README describes applied, against the committed supergraph as base.
 *
 * Live blocks (readme-examples-live.ts: `npm-start`, `crash-restart`, `reconcile`, `doctor`) need a scratch
 * `npm start` of a minute or two and a network namespace, so they are regenerated only with `-- --live`,
 * and checked not here but by the integration tests that make those runs anyway
 * (`tests/platform/npm-start.test.ts`, `tests/platform/readme-examples.test.ts`, in `npm test`).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import fg from 'fast-glob';
import { compose, readSubgraphs, repoRoot } from './composition.js';
import { liveExamples } from './readme-examples-live.js';
import { parseCommand, runCli } from '@commerce/kit/cli';
import { LOCAL_POSTGRES_URL } from '@commerce/stack/config';
import { isPortFree } from '@commerce/stack/ports';

const exec = promisify(execFile);

/** The schema change the README's example shows: one field clients read removed, one nobody reads removed, one added. */
export function exampleChange(productsSdl: string): string {
  const without = (sdl: string, field: string) => {
    const pattern = new RegExp(`\\n  "[^"\\n]*"\\n  ${field}: [^\\n]+`);
    if (!pattern.test(sdl)) throw new Error(`Product.${field} not found in the products schema`);
    return sdl.replace(pattern, '');
  };
  const changed = without(without(productsSdl, 'stock'), 'active');
  return changed.replace(/\n  reviewCount: Int!\n}/, '\n  reviewCount: Int!\n  "The colour, if it has one."\n  color: String\n}');
}

/**
 * Copies this repository's schema-check inputs (rover.yaml, subgraph schemas, every persisted-query
 * manifest, `schema/operations/`, client operation files, `schema/schema-checks.json`) to `dir`, applies
 * `change` to the products schema, composes the copy into its `schema/supergraph.graphql`, and keeps
 * the committed supergraph as `base.graphql`. For checks of a change on the real operations.
 */
export async function changedCopy(dir: string, change: (productsSdl: string) => string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  const inputs = await fg(['rover.yaml', 'subgraphs/*/schema.graphql', 'schema/persisted-queries/**/*.json', 'schema/operations/**/*.graphql', 'clients/*/src/**/*.graphql', 'schema/schema-checks.json'], {
    cwd: repoRoot,
    ignore: ['**/node_modules/**'],
  });
  for (const file of inputs) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    cpSync(path.join(repoRoot, file), path.join(dir, file));
  }
  const products = path.join(dir, 'subgraphs/products/schema.graphql');
  writeFileSync(products, change(readFileSync(products, 'utf8')));
  cpSync(path.join(repoRoot, 'schema/supergraph.graphql'), path.join(dir, 'base.graphql'));
  const composed = compose(readSubgraphs(path.join(dir, 'rover.yaml')));
  if (!composed.ok) throw new Error(`the change does not compose: ${JSON.stringify(composed.errors)}`);
  writeFileSync(path.join(dir, 'schema/supergraph.graphql'), composed.supergraphSdl);
}

/** `npm run schema:check` with `args` (from the repository root); its exit code and standard output. */
export function schemaCheck(args: string[]): Promise<{ code: number; stdout: string }> {
  return exec(process.execPath, ['--import', 'tsx', 'schema/src/check.ts', ...args], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
}

/** Output of `schema:check` on a copy of the repository's schema inputs with `exampleChange` applied. */
async function schemaCheckExample(): Promise<string> {
  const dir = path.join(repoRoot, '.data', 'readme-examples', 'schema-check');
  await changedCopy(dir, exampleChange);
  const { code, stdout } = await schemaCheck(['--root', dir, '--base-file', 'base.graphql']);
  rmSync(dir, { recursive: true, force: true });
  if (code !== 1) throw new Error(`schema:check should fail on the example change, but exited ${code}`);
  return stdout;
}

const offline: Record<string, () => Promise<string>> = {
  'schema-check': schemaCheckExample,
};

/** The blocks readme-examples-live.ts makes from one scratch `npm start` (and doctor in a namespace). */
export const LIVE_EXAMPLES = ['npm-start', 'crash-restart', 'reconcile', 'doctor'] as const;

const MARKER = /^([ \t]*)<!-- readme-example: ([\w-]+) -->\n([\s\S]*?)^[ \t]*<!-- \/readme-example -->/gm;

/**
 * The README with each marked block named in `outputs` replaced by that output (fenced, at the marker's
 * indentation, so a block inside a list item stays in it); blocks of `known` names not in `outputs` are
 * left as they are. Throws on a marker no generator knows.
 */
export function withExamples(readme: string, outputs: Record<string, string>, known: readonly string[] = Object.keys(outputs)): string {
  return readme.replace(MARKER, (match, indent: string, name: string) => {
    if (!known.includes(name)) throw new Error(`README marks an example "${name}" that no generator produces`);
    const output = outputs[name];
    if (output === undefined) return match;
    const lines = ['```', ...output.trimEnd().split('\n'), '```'].map((line) => (line === '' ? '' : `${indent}${line}`));
    return `${indent}<!-- readme-example: ${name} -->\n${lines.join('\n')}\n${indent}<!-- /readme-example -->`;
  });
}

/** The text of the README block marked `name`, without its fences and indentation; throws if there is none. */
export function readmeBlock(readme: string, name: string): string {
  for (const match of readme.matchAll(MARKER)) {
    if (match[2] !== name) continue;
    const indent = match[1]!;
    const lines = match[3]!.trimEnd().split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line));
    if (lines[0] !== '```' || lines.at(-1) !== '```') throw new Error(`README block "${name}" is not one fenced block`);
    return lines.slice(1, -1).join('\n');
  }
  throw new Error(`README has no block marked "${name}"`);
}

async function main(check: boolean, live: boolean): Promise<number> {
  const readmePath = path.join(repoRoot, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const known = [...Object.keys(offline), ...LIVE_EXAMPLES];
  for (const name of known) readmeBlock(readme, name);
  const outputs: Record<string, string> = {};
  for (const [name, generate] of Object.entries(offline)) outputs[name] = await generate();
  if (live && !check) {
    const serverUrl = process.env.DATABASE_URL || LOCAL_POSTGRES_URL;
    const redisUrl = process.env.REDIS_URL || ((await isPortFree(6379)) ? undefined : 'redis://127.0.0.1:6379');
    Object.assign(outputs, await liveExamples(serverUrl, redisUrl));
  }
  const updated = withExamples(readme, outputs, known);
  const names = Object.keys(outputs).join(', ');
  if (updated === readme) {
    console.log(`README examples are current (${names})${live ? '' : `; ${LIVE_EXAMPLES.join(', ')} are checked by npm test (tests/platform/npm-start.test.ts, readme-examples.test.ts) and regenerated with --live`}`);
    return 0;
  }
  if (check) {
    console.error('README examples differ from what the commands print now: run `npm run docs:examples` and commit README.md');
    return 1;
  }
  writeFileSync(readmePath, updated);
  console.log(`README examples regenerated (${names})`);
  return 0;
}

const spec = {
  command: 'npm run docs:examples',
  summary: "Regenerates the README's command-output blocks (between `<!-- readme-example: <name> -->` markers) from real runs.",
  options: {
    check: { type: 'boolean', default: false, description: 'only compare the offline blocks: exit 1 when one differs from what the command prints now (CI)' },
    live: { type: 'boolean', default: false, description: 'also regenerate the blocks that need a scratch `npm start` (a minute or two) and a network namespace (root)' },
  },
  exitCodes: { 1: 'with --check: a README block is stale; otherwise a generator failed' },
} as const;

if (process.argv[1] && existsSync(process.argv[1]) && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const { values } = parseCommand(spec);
  runCli(spec, () => main(values.check, values.live));
}

/**
 * `npm run docs:examples`: regenerates the README's command-output blocks from real runs, between
 * `<!-- readme-example: <name> -->` and `<!-- /readme-example -->`; `-- --check` only compares and
 * exits 1 when a block is not what the command prints today (CI runs that).
 *
 * - `schema-check`: `npm run schema:check` on a copy of this repository's real schema inputs (rover.yaml,
 *   the subgraph schemas, every persisted-query manifest, `schema/operations/`, the client operation
 *   files) with the change the README describes applied, against the committed supergraph as base.
 *
 * The `npm start` sample output is printed by a real `npm start` (see the README), not by this script.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import fg from 'fast-glob';
import { compose, readSubgraphs, repoRoot } from './composition.js';
import { parseCommand, runCli } from '@commerce/kit/cli';

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

const generators: Record<string, () => Promise<string>> = {
  'schema-check': schemaCheckExample,
};

/** The README with every marked block replaced by `outputs[name]` (fenced); throws on an unknown or unclosed marker. */
export function withExamples(readme: string, outputs: Record<string, string>): string {
  return readme.replace(/(<!-- readme-example: ([\w-]+) -->\n)([\s\S]*?)(<!-- \/readme-example -->)/g, (_match, open: string, name: string, _old, close: string) => {
    const output = outputs[name];
    if (output === undefined) throw new Error(`README marks an example "${name}" that no generator produces`);
    return `${open}\`\`\`\n${output.trimEnd()}\n\`\`\`\n${close}`;
  });
}

async function main(check: boolean): Promise<number> {
  const readmePath = path.join(repoRoot, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const outputs: Record<string, string> = {};
  for (const [name, generate] of Object.entries(generators)) {
    if (!readme.includes(`<!-- readme-example: ${name} -->`)) throw new Error(`README has no block marked "${name}"`);
    outputs[name] = await generate();
  }
  const updated = withExamples(readme, outputs);
  if (updated === readme) {
    console.log(`README examples are current (${Object.keys(generators).join(', ')})`);
    return 0;
  }
  if (check) {
    console.error('README examples differ from what the commands print now: run `npm run docs:examples` and commit README.md');
    return 1;
  }
  writeFileSync(readmePath, updated);
  console.log(`README examples regenerated (${Object.keys(generators).join(', ')})`);
  return 0;
}

const spec = {
  command: 'npm run docs:examples',
  summary: "Regenerates the README's command-output blocks (between `<!-- readme-example: <name> -->` markers) from real runs.",
  options: {
    check: { type: 'boolean', default: false, description: 'only compare: exit 1 when a block differs from what the command prints now (CI)' },
  },
  exitCodes: { 1: 'with --check: a README block is stale; otherwise a generator failed' },
} as const;

if (process.argv[1] && existsSync(process.argv[1]) && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const { values } = parseCommand(spec);
  runCli(spec, () => main(values.check));
}

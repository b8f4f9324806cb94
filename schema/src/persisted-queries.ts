/**
 * `npm run pq:generate`: writes the persisted-query manifests under schema/persisted-queries/ from the
 * `.graphql` operation files they list, with @apollo/generate-persisted-query-manifest (ids are the
 * sha256 of each body as Apollo Client prints it):
 *
 *   schema/operations/partners/<partner>/*.graphql  ->  persisted-queries/partners/<partner>.json
 *   clients/<client>/src/**\/*.graphql              ->  persisted-queries/<client>.json
 *
 * `--check` fails instead when a committed manifest differs from what would be generated (CI).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatePersistedQueryManifest } from '@apollo/generate-persisted-query-manifest';
import { parseCommand, runCli } from '@commerce/kit/cli';
import { repoRoot } from './composition.js';

const outputDir = path.join(repoRoot, 'schema/persisted-queries');

export interface ManifestSource {
  output: string;
  documents: string[];
}

export function manifestSources(): ManifestSource[] {
  const sources: ManifestSource[] = [];
  const partnersDir = path.join(repoRoot, 'schema/operations/partners');
  for (const partner of existsSync(partnersDir) ? readdirSync(partnersDir).sort() : []) {
    sources.push({ output: path.join(outputDir, 'partners', `${partner}.json`), documents: [path.join(partnersDir, partner, '**/*.graphql')] });
  }
  const clientsDir = path.join(repoRoot, 'clients');
  for (const client of existsSync(clientsDir) ? readdirSync(clientsDir).sort() : []) {
    if (!existsSync(path.join(clientsDir, client, 'src'))) continue;
    sources.push({ output: path.join(outputDir, `${client}.json`), documents: [path.join(clientsDir, client, 'src/**/*.graphql')] });
  }
  return sources;
}

export async function generateManifest(source: ManifestSource): Promise<string> {
  const manifest = await generatePersistedQueryManifest({ documents: source.documents.map((glob) => path.relative(process.cwd(), glob)) }, source.output);
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

async function main(check: boolean): Promise<number> {
  let stale = 0;
  for (const source of manifestSources()) {
    const text = await generateManifest(source);
    const relative = path.relative(repoRoot, source.output);
    if (check) {
      if (!existsSync(source.output) || readFileSync(source.output, 'utf8') !== text) {
        console.error(`${relative} is stale: run \`npm run pq:generate\` and commit the result.`);
        stale += 1;
      }
      continue;
    }
    mkdirSync(path.dirname(source.output), { recursive: true });
    writeFileSync(source.output, text);
    console.log(`wrote ${relative} (${(JSON.parse(text) as { operations: unknown[] }).operations.length} operations)`);
  }
  if (check && stale === 0) console.log('persisted-query manifests are up to date');
  return stale > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const spec = {
    command: 'npm run pq:generate',
    summary: 'Writes the persisted-query manifests under schema/persisted-queries/ from the .graphql operation files of the partners and clients.',
    options: { check: { type: 'boolean', default: false, description: 'write nothing; fail when a committed manifest differs from what would be generated (CI)' } },
    exitCodes: { 1: '(--check) a manifest is stale, or an operation file could not be read' },
  } as const;
  const { values } = parseCommand(spec);
  runCli(spec, () => main(values.check));
}

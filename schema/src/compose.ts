/**
 * `npm run compose`: writes schema/supergraph.graphql from the subgraph schemas in rover.yaml.
 * `npm run compose -- --check`: fails instead when the committed file differs from the composition.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compose, readSubgraphs, repoRoot, supergraphPath } from './composition.js';

const outcome = compose(readSubgraphs());
if (!outcome.ok) {
  for (const error of outcome.errors) {
    process.stderr.write(`error[${error.code}] ${error.subgraphs.join(', ') || '-'}: ${error.message}\n`);
  }
  process.stderr.write(`Composition failed with ${outcome.errors.length} error(s); ${path.relative(repoRoot, supergraphPath)} unchanged.\n`);
  process.exit(1);
}
const file = path.relative(repoRoot, supergraphPath);
if (process.argv.includes('--check')) {
  if (readFileSync(supergraphPath, 'utf8') !== outcome.supergraphSdl) {
    process.stderr.write(`${file} is stale: run \`npm run compose\` and commit the result.\n`);
    process.exit(1);
  }
  process.stdout.write(`${file} is up to date.\n`);
} else {
  writeFileSync(supergraphPath, outcome.supergraphSdl);
  process.stdout.write(`Composed ${file} (${outcome.hints.length} hint(s)).\n`);
}

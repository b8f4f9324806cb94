/**
 * `npm run compose`: writes schema/supergraph.graphql from the subgraph schemas in rover.yaml.
 * `npm run compose -- --check`: fails instead when the committed file differs from the composition.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommand } from '@commerce/kit/cli';
import { compose, readSubgraphs, repoRoot, supergraphPath } from './composition.js';

const { values } = parseCommand({
  command: 'npm run compose',
  summary: 'Composes the subgraph schemas rover.yaml lists (@apollo/composition) into schema/supergraph.graphql.',
  options: { check: { type: 'boolean', default: false, description: 'write nothing; fail when the committed supergraph differs from the composition' } },
  exitCodes: { 1: 'composition failed, or (--check) the committed supergraph is stale' },
});
const outcome = compose(readSubgraphs());
if (!outcome.ok) {
  for (const error of outcome.errors) {
    process.stderr.write(`error[${error.code}] ${error.subgraphs.join(', ') || '-'}: ${error.message}\n`);
  }
  process.stderr.write(`Composition failed with ${outcome.errors.length} error(s); ${path.relative(repoRoot, supergraphPath)} unchanged.\n`);
  process.exit(1);
}
const file = path.relative(repoRoot, supergraphPath);
if (values.check) {
  if (readFileSync(supergraphPath, 'utf8') !== outcome.supergraphSdl) {
    process.stderr.write(`${file} is stale: run \`npm run compose\` and commit the result.\n`);
    process.exit(1);
  }
  process.stdout.write(`${file} is up to date.\n`);
} else {
  writeFileSync(supergraphPath, outcome.supergraphSdl);
  process.stdout.write(`Composed ${file} (${outcome.hints.length} hint(s)).\n`);
}

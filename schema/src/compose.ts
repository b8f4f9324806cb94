/** `npm run compose`: writes schema/supergraph.graphql from the subgraph schemas in rover.yaml. */
import { writeFileSync } from 'node:fs';
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
writeFileSync(supergraphPath, outcome.supergraphSdl);
process.stdout.write(`Composed ${path.relative(repoRoot, supergraphPath)} (${outcome.hints.length} hint(s)).\n`);

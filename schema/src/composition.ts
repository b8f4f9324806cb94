/**
 * Composition of the subgraph schemas `rover.yaml` lists into the supergraph, with
 * @apollo/composition (the library Rover and GraphOS use), so the result matches what Apollo's
 * tooling would produce.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const supergraphPath = path.join(repoRoot, 'schema/supergraph.graphql');

const roverConfigSchema = z.object({
  federation_version: z.string().optional(),
  subgraphs: z.record(
    z.string(),
    z.object({
      routing_url: z.string(),
      schema: z.object({ file: z.string() }),
    }),
  ),
});

export interface SubgraphSource {
  name: string;
  url: string;
  file: string;
  sdl: string;
}

/** The subgraphs `rover.yaml` (or another config in Rover's format) lists, with their SDL read from disk. */
export function readSubgraphs(configFile = path.join(repoRoot, 'rover.yaml'), readSdl = (file: string) => readFileSync(file, 'utf8')): SubgraphSource[] {
  const config = roverConfigSchema.parse(parseYaml(readFileSync(configFile, 'utf8')));
  const base = path.dirname(configFile);
  return Object.entries(config.subgraphs).map(([name, subgraph]) => {
    const file = path.resolve(base, subgraph.schema.file);
    return { name, url: subgraph.routing_url, file, sdl: readSdl(file) };
  });
}

export interface CompositionProblem {
  code: string;
  message: string;
  subgraphs: string[];
}

export type CompositionOutcome =
  | { ok: true; supergraphSdl: string; hints: CompositionProblem[] }
  | { ok: false; errors: CompositionProblem[] };

export function compose(subgraphs: SubgraphSource[]): CompositionOutcome {
  const parsed: { name: string; url: string; typeDefs: ReturnType<typeof parse> }[] = [];
  const parseErrors: CompositionProblem[] = [];
  for (const subgraph of subgraphs) {
    try {
      parsed.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) });
    } catch (error) {
      parseErrors.push({ code: 'INVALID_GRAPHQL', message: String((error as Error).message), subgraphs: [subgraph.name] });
    }
  }
  if (parseErrors.length > 0) return { ok: false, errors: parseErrors };
  const result = composeServices(parsed);
  if (result.errors) {
    return {
      ok: false,
      errors: result.errors.map((error) => ({
        code: String(error.extensions['code'] ?? 'COMPOSITION_ERROR'),
        message: error.message,
        subgraphs: subgraphsNamedIn(error.message, subgraphs),
      })),
    };
  }
  return {
    ok: true,
    supergraphSdl: `${result.supergraphSdl.trim()}\n`,
    hints: result.hints.map((hint) => ({ code: hint.definition.code, message: hint.message, subgraphs: subgraphsNamedIn(hint.message, subgraphs) })),
  };
}

/** Composition messages name the subgraphs involved as `[users]` or `subgraph "users"`. */
function subgraphsNamedIn(message: string, subgraphs: SubgraphSource[]): string[] {
  return subgraphs
    .filter(({ name }) => message.includes(`[${name}]`) || message.includes(`"${name}"`))
    .map(({ name }) => name);
}

/**
 * Composition patterns that compose cleanly but that @apollo/gateway's query planner (the one this
 * router runs, @apollo/query-planner 2.14) is known to answer wrongly, refused before they reach
 * production. Each rule is a case the public Federation gateway audit lists as failing for Apollo
 * Gateway (https://github.com/graphql-hive/federation-gateway-audit, REPORT.md), reproduced here:
 *
 * - `planner-requires-arguments`: a `@requires` selection with a field that takes arguments. The
 *   planner merges required fields into fetches by response name, ignoring arguments: two `@requires`
 *   of one field with different arguments, or a query selecting the field with other arguments, make
 *   one value overwrite the other (a wrong number, no error). Audit: `requires-with-argument`,
 *   `requires-with-argument-conflict`.
 * - `planner-requires-first-key`: in a subgraph with `@requires` (or `@fromContext`) on an entity, the
 *   planner re-enters that subgraph with the type's FIRST `@key` whose fields are local, ignoring
 *   `resolvable: false` (`getLocallySatisfiableKey` in @apollo/query-graphs). If that key is not
 *   resolvable, the subgraph gets a representation it cannot resolve: null data. Audit: `keys-mashup`.
 * - `planner-unresolvable-interface-object`: an `@interfaceObject` whose keys are all
 *   `resolvable: false` and which adds fields. Those fields can only be planned from that subgraph's
 *   own root fields; reached from any other subgraph, the planner returns an empty plan and the
 *   answer is a silent null. Audit: `non-resolvable-interface-object`.
 *
 * `docs/decisions.md` records what fixing each in the planner would take.
 */
import path from 'node:path';
import { buildSubgraph, parseFieldSetArgument, type Directive, type FieldDefinition, type CompositeType, type ObjectType, type InterfaceType } from '@apollo/federation-internals';
import { Kind, parse, print, type SelectionSetNode } from 'graphql';
import type { SubgraphSource } from '../composition.js';
import type { LintViolation } from './lint.js';

const AUDIT = 'https://github.com/graphql-hive/federation-gateway-audit/tree/main/src/test-suites';

export const PLANNER_GAP_REFERENCES = {
  'planner-requires-arguments': [`${AUDIT}/requires-with-argument`, `${AUDIT}/requires-with-argument-conflict`],
  'planner-requires-first-key': [`${AUDIT}/keys-mashup`],
  'planner-unresolvable-interface-object': [`${AUDIT}/non-resolvable-interface-object`],
} as const;

type Rule = keyof typeof PLANNER_GAP_REFERENCES;

const refusal = (rule: Rule, location: string, problem: string, fix: string): LintViolation => ({
  rule,
  location,
  message: `${problem} @apollo/gateway's query planner answers this wrongly without an error. ${fix} See ${PLANNER_GAP_REFERENCES[rule].join(' and ')}.`,
});

/** Fields (with their arguments, printed) a field set selects, at every depth, by response path. */
function argumentFields(fields: string): { path: string; args: string }[] {
  const found: { path: string; args: string }[] = [];
  const walk = (selectionSet: SelectionSetNode, prefix: string) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const responsePath = `${prefix}${selection.alias?.value ?? selection.name.value}`;
        if (selection.arguments?.length) found.push({ path: responsePath, args: selection.arguments.map(print).sort().join(', ') });
        if (selection.selectionSet) walk(selection.selectionSet, `${responsePath}.`);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, prefix);
      }
    }
  };
  const operation = parse(`{ ${fields} }`).definitions[0];
  if (operation?.kind === Kind.OPERATION_DEFINITION) walk(operation.selectionSet, '');
  return found;
}

const isResolvable = (key: Directive) => (key.arguments() as { resolvable?: boolean }).resolvable !== false;

/** Refusals for one subgraph's schema; a schema that does not build is left to composition to report. */
function gapsIn(source: SubgraphSource, root: string): LintViolation[] {
  let subgraph;
  try {
    subgraph = buildSubgraph(source.name, source.url, source.sdl);
  } catch {
    return [];
  }
  const metadata = subgraph.metadata();
  const file = path.relative(root, source.file) || source.file;
  const where = (element: { sourceAST?: { loc?: { startToken: { line: number; column: number } } } }, coordinate: string) => {
    const token = element.sourceAST?.loc?.startToken;
    return token ? `${file}:${token.line}:${token.column} (${source.name} ${coordinate})` : `${file} (${source.name} ${coordinate})`;
  };
  const violations: LintViolation[] = [];
  const keyDirective = metadata.keyDirective();
  const requiresDirective = metadata.requiresDirective();
  const fromContextDirective = metadata.fromContextDirective();
  const interfaceObjectDirective = metadata.interfaceObjectDirective();

  for (const type of subgraph.schema.types()) {
    if (type.kind !== 'ObjectType' && type.kind !== 'InterfaceType') continue;
    const composite = type as ObjectType | InterfaceType;
    const fields = composite.fields() as FieldDefinition<CompositeType>[];

    // @requires with arguments, and the same required field with different arguments on one type.
    const requiredWith = new Map<string, Map<string, string[]>>();
    for (const field of fields) {
      for (const requires of field.appliedDirectivesOf(requiresDirective)) {
        const selection = (requires.arguments() as { fields: string }).fields;
        for (const { path: responsePath, args } of argumentFields(selection)) {
          violations.push(
            refusal(
              'planner-requires-arguments',
              where(field, field.coordinate),
              `${field.coordinate} @requires "${responsePath}(${args})", a field with arguments: a query that also selects ${responsePath} with other arguments, or another @requires of it, gets one value for both.`,
              'Require a field without arguments (e.g. a field per currency), or resolve the value in this subgraph.',
            ),
          );
          const byArgs = requiredWith.get(responsePath) ?? new Map<string, string[]>();
          byArgs.set(args, [...(byArgs.get(args) ?? []), field.coordinate]);
          requiredWith.set(responsePath, byArgs);
        }
      }
    }
    for (const [responsePath, byArgs] of requiredWith) {
      if (byArgs.size < 2) continue;
      const users = [...byArgs.entries()].map(([args, coordinates]) => `${coordinates.join(', ')} (${args})`);
      violations.push(
        refusal(
          'planner-requires-arguments',
          where(composite, composite.coordinate),
          `${composite.coordinate}.${responsePath} is required with different arguments under one response key by ${users.join(' and ')}: every one of them receives the same value, so all but one compute a wrong result.`,
          'Require distinct fields (one per argument value).',
        ),
      );
    }

    // The key the planner re-enters this subgraph with, after fetching @requires / @fromContext inputs.
    const needsPostRequireKey = fields.some(
      (field) => field.hasAppliedDirective(requiresDirective) || field.arguments().some((argument) => argument.hasAppliedDirective(fromContextDirective.name)),
    );
    const keys = composite.appliedDirectivesOf(keyDirective);
    if (needsPostRequireKey && keys.length > 1) {
      const firstLocal = keys.find((key) => !metadata.selectionSelectsAnyExternalField(parseFieldSetArgument({ parentType: composite, directive: key })));
      if (firstLocal && !isResolvable(firstLocal)) {
        const resolvable = keys.find(isResolvable);
        violations.push(
          refusal(
            'planner-requires-first-key',
            where(composite, composite.coordinate),
            `${composite.coordinate} has @requires fields, and its first local @key(fields: "${(firstLocal.arguments() as { fields: string }).fields}") is resolvable: false: the planner sends that key back to this subgraph to resolve the required fields.`,
            resolvable
              ? `Declare the resolvable @key(fields: "${(resolvable.arguments() as { fields: string }).fields}") first.`
              : 'Make the first @key resolvable.',
          ),
        );
      }
    }

    // A non-resolvable @interfaceObject that adds fields.
    if (composite.hasAppliedDirective(interfaceObjectDirective.name) && keys.length > 0 && !keys.some(isResolvable)) {
      const keyFields = new Set(keys.flatMap((key) => parseFieldSetArgument({ parentType: composite, directive: key }).selections().flatMap((selection) => (selection.element.kind === 'Field' ? [selection.element.name] : []))));
      const added = fields.filter((field) => !field.isBuiltIn && !keyFields.has(field.name) && field.name !== '__typename');
      if (added.length > 0) {
        violations.push(
          refusal(
            'planner-unresolvable-interface-object',
            where(composite, composite.coordinate),
            `${composite.coordinate} is an @interfaceObject whose every @key is resolvable: false, yet it adds ${added.map((field) => field.name).join(', ')}: reached from another subgraph, those fields are planned as nothing and answered as a silent null.`,
            'Make its @key resolvable (resolve the interface object by key), or move the fields to a subgraph that can resolve the type.',
          ),
        );
      }
    }
  }
  return violations;
}

/** Refusals for every subgraph `rover.yaml` lists; locations are relative to `root`. */
export function plannerGaps(subgraphs: SubgraphSource[], root: string): LintViolation[] {
  return subgraphs.flatMap((subgraph) => gapsIn(subgraph, root));
}

/**
 * Schema lint, per subgraph schema file, with @graphql-eslint (naming conventions, `Input` suffix,
 * descriptions on every public type and field), plus two rules of ours on the composed API schema:
 * every list of objects sits behind a Relay connection (`edges` of a `...Connection`), and every field
 * resolved across a subgraph boundary is nullable (fault isolation), except what
 * `schema/schema-checks.json` allows, each with its reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import { Linter } from 'eslint';
import { getNamedType, getNullableType, isListType, isNonNullType, isObjectType, isInterfaceType, Kind, parse, type GraphQLSchema, type TypeNode } from 'graphql';

export interface LintViolation {
  rule: string;
  /** Where: `file:line:column` for subgraph rules, a schema coordinate for API rules. */
  location: string;
  message: string;
}

const RULES = {
  '@graphql-eslint/naming-convention': [
    'error',
    {
      types: 'PascalCase',
      FieldDefinition: 'camelCase',
      InputValueDefinition: 'camelCase',
      EnumValueDefinition: 'UPPER_CASE',
      InputObjectTypeDefinition: { style: 'PascalCase', suffix: 'Input' },
    },
  ],
  '@graphql-eslint/require-description': ['error', { types: true, FieldDefinition: true, EnumValueDefinition: true }],
} as const;

export function lintSubgraph(file: string, repoRoot: string): LintViolation[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    readFileSync(file, 'utf8'),
    [
      {
        files: ['**/*.graphql'],
        languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema: file } } },
        plugins: { '@graphql-eslint': graphqlPlugin as never },
        rules: RULES as never,
      },
    ],
    file,
  );
  const relative = path.relative(repoRoot, file);
  return messages.map((message) => ({
    rule: (message.ruleId ?? 'parse').replace('@graphql-eslint/', ''),
    location: `${relative}:${message.line}:${message.column}`,
    message: message.message,
  }));
}

export function lintConnections(schema: GraphQLSchema, allowed: Record<string, string>): LintViolation[] {
  const violations: LintViolation[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || (!isObjectType(type) && !isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const named = getNamedType(field.type);
      if (!isListType(getNullableType(field.type)) || !(isObjectType(named) || isInterfaceType(named))) continue;
      if (field.name === 'edges' && type.name.endsWith('Connection')) continue;
      if (allowed[coordinate]) continue;
      violations.push({ rule: 'list-behind-connection', location: coordinate, message: `${coordinate} returns a list of ${named.name}; expose it as a Relay connection` });
    }
  }
  return violations;
}

/** What one subgraph's SDL declares: per object type, the fields it resolves itself (not @external). */
function resolvedFields(sdl: string): Map<string, Set<string>> {
  const types = new Map<string, Set<string>>();
  for (const definition of parse(sdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const fields = types.get(definition.name.value) ?? new Set<string>();
    for (const field of definition.fields ?? []) {
      if (!field.directives?.some((directive) => directive.name.value === 'external')) fields.add(field.name.value);
    }
    types.set(definition.name.value, fields);
  }
  return types;
}

/** The named type of a field declared non-null at every level (`T!`, `[T!]!`), or null when some level is nullable. */
function nonNullNamed(type: TypeNode): string | null {
  if (type.kind !== Kind.NON_NULL_TYPE) return null;
  const inner = type.type;
  if (inner.kind === Kind.NAMED_TYPE) return inner.name.value;
  return nonNullNamed(inner.type);
}

/**
 * Fault isolation: a failure nulls the nearest nullable field above it, so a field one subgraph adds
 * to a type another subgraph returns (`Product.reviews`), or a reference one subgraph returns to an
 * entity resolved elsewhere (`Review.author`), must be nullable: otherwise one subgraph's outage
 * blanks the answer of the subgraph that asked. Precisely: when subgraph P returns type T through a
 * field non-null at every level, every non-null field of T is one P resolves itself. Each violation
 * names the field and the non-null way P reaches it; making either nullable fixes it. Exemptions
 * (`nonNullAcrossSubgraphs` in schema/schema-checks.json) name either coordinate, with a reason.
 */
export function lintSubgraphBoundaries(
  subgraphs: readonly { name: string; sdl: string }[],
  schema: GraphQLSchema,
  exempt: Record<string, string>,
): LintViolation[] {
  const violations = new Map<string, LintViolation>();
  for (const subgraph of subgraphs) {
    const own = resolvedFields(subgraph.sdl);
    const document = parse(subgraph.sdl);
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      for (const reach of definition.fields ?? []) {
        const reachCoordinate = `${definition.name.value}.${reach.name.value}`;
        const targetName = nonNullNamed(reach.type);
        const target = targetName ? schema.getType(targetName) : null;
        if (!target || !isObjectType(target) || exempt[reachCoordinate]) continue;
        for (const field of Object.values(target.getFields())) {
          const coordinate = `${target.name}.${field.name}`;
          if (!isNonNullType(field.type) || own.get(target.name)?.has(field.name) || exempt[coordinate]) continue;
          const key = `${coordinate}:${subgraph.name}`;
          if (violations.has(key)) continue;
          violations.set(key, {
            rule: 'nullable-across-subgraphs',
            location: coordinate,
            message: `${coordinate} is non-null but resolved outside ${subgraph.name}, which returns ${target.name} non-null from ${reachCoordinate}: an outage of the subgraph resolving ${coordinate} would blank ${subgraph.name}'s answer too; make ${coordinate} (or ${reachCoordinate}) nullable`,
          });
        }
      }
    }
  }
  return [...violations.values()];
}

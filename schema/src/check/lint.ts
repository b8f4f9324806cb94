/**
 * Schema lint, per subgraph schema file, with @graphql-eslint (naming conventions, `Input` suffix,
 * descriptions on every public type and field), plus one rule of ours on the composed API schema:
 * every list of objects sits behind a Relay connection (`edges` of a `...Connection`), except the lists
 * `schema/schema-checks.json` allows, each with its reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import { Linter } from 'eslint';
import { getNamedType, getNullableType, isListType, isObjectType, isInterfaceType, type GraphQLSchema } from 'graphql';

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

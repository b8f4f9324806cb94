/**
 * The operations clients run: those in persisted-query manifests (partners', first-party clients')
 * and the `.graphql` operation files of partners and client apps. For each, the schema coordinates it
 * uses (types, `Type.field`, `Type.field.argument`, `Input.field`, `Enum.VALUE`), read with the schema it
 * was written against, so a change to one of them can name the operations it would break.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import {
  getNamedType,
  isEnumType,
  Kind,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';

export interface Operation {
  name: string;
  /** Where it comes from: `persisted-queries/partners/acme.json` or a `.graphql` file, relative to the repo. */
  source: string;
  document: DocumentNode;
}

export function loadOperations(repoRoot: string, manifestGlobs: string[], fileGlobs: string[]): Operation[] {
  const operations: Operation[] = [];
  for (const file of fg.sync(manifestGlobs, { cwd: repoRoot, absolute: true }).sort()) {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { operations?: { name: string; body: string }[] };
    for (const operation of manifest.operations ?? []) {
      operations.push({ name: operation.name, source: path.relative(repoRoot, file), document: parse(operation.body) });
    }
  }
  for (const file of fg.sync(fileGlobs, { cwd: repoRoot, absolute: true }).sort()) {
    const document = parse(readFileSync(file, 'utf8'));
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      operations.push({ name: definition.name?.value ?? '(anonymous)', source: path.relative(repoRoot, file), document });
    }
  }
  return operations;
}

/** Every schema coordinate `document` touches, read against `schema`. */
export function coordinatesUsed(schema: GraphQLSchema, document: DocumentNode): Set<string> {
  const used = new Set<string>();
  const info = new TypeInfo(schema);
  const addType = (type: GraphQLType | null | undefined) => {
    if (type) used.add(getNamedType(type).name);
  };
  visit(
    document,
    visitWithTypeInfo(info, {
      Field(node) {
        const parent = info.getParentType();
        if (!parent || node.name.value.startsWith('__')) return;
        used.add(parent.name);
        used.add(`${parent.name}.${node.name.value}`);
        addType(info.getType());
      },
      Argument(node) {
        const field = info.getFieldDef();
        const parent = info.getParentType();
        if (field && parent) used.add(`${parent.name}.${field.name}.${node.name.value}`);
        addType(info.getInputType());
      },
      ObjectField(node) {
        const parent = info.getParentInputType();
        if (parent) used.add(`${getNamedType(parent).name}.${node.name.value}`);
        addType(info.getInputType());
      },
      EnumValue(node) {
        const type = info.getInputType();
        if (type && isEnumType(getNamedType(type))) used.add(`${getNamedType(type).name}.${node.value}`);
      },
      VariableDefinition() {
        addType(info.getInputType());
      },
    }),
  );
  return used;
}

export function validationErrors(schema: GraphQLSchema, operation: Operation): string[] {
  return validate(schema, operation.document).map((error) => error.message);
}

/**
 * Reads an operation before it is planned: parses it under the token and recursion limits, then walks
 * the selected operation once, with fragments expanded where they are spread, to measure it (depth,
 * height, root fields, aliases, directives) and to find every field that carries an authorization
 * requirement, with its response path (`@` for list items) and where a null would land if it were
 * removed. The result is cached per operation text and schema.
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { reject } from './rejection.js';
import type { Requirement, SchemaMetadata } from './schema-metadata.js';

export interface Limits {
  maxDepth: number;
  maxHeight: number;
  maxRootFields: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxRecursion: number;
}

/** One step of a response path: a response key, or `@` for "every item of this list". */
export interface PathStep {
  key: string;
  /** Whether the value at this step may be null (so a null stops propagating here). */
  nullable: boolean;
}

export interface GuardedField {
  node: FieldNode;
  requirement: Requirement;
  path: PathStep[];
}

export interface Measures {
  depth: number;
  height: number;
  rootFields: number;
  aliases: number;
  directives: number;
}

export interface Analysis {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
  measures: Measures;
  /** Uses `__schema` or `__type` (not `__typename`, which is always allowed). */
  introspection: boolean;
  guarded: GuardedField[];
}

/**
 * Nesting of `{` `(` `[` outside strings and comments, counted before parsing: graphql-js has no
 * recursion limit of its own and a deeply nested document would exhaust the stack.
 */
function nesting(query: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < query.length; i += 1) {
    const char = query[i];
    if (char === '#') {
      while (i < query.length && query[i] !== '\n') i += 1;
    } else if (char === '"') {
      const block = query.startsWith('"""', i);
      const end = block ? query.indexOf('"""', i + 3) : findStringEnd(query, i + 1);
      i = end < 0 ? query.length : end + (block ? 2 : 0);
    } else if (char === '{' || char === '(' || char === '[') {
      depth += 1;
      if (depth > max) max = depth;
    } else if (char === '}' || char === ')' || char === ']') {
      depth -= 1;
    }
  }
  return max;
}

function findStringEnd(query: string, from: number): number {
  for (let i = from; i < query.length; i += 1) {
    if (query[i] === '\\') i += 1;
    else if (query[i] === '"' || query[i] === '\n') return i;
  }
  return -1;
}

/** Parses under the parser limits; other syntax errors return null and are left to Apollo Server to report. */
export function parseLimited(query: string, limits: Limits): DocumentNode | null {
  if (nesting(query) > limits.maxRecursion) throw reject(400, 'PARSING_ERROR', 'parsing error: recursion limit reached');
  try {
    return parse(query, { maxTokens: limits.maxTokens, noLocation: true });
  } catch (error) {
    // graphql-js words it "Document contains more that N tokens" (sic).
    if (/contains more th[ae][nt] \d+ tokens/.test((error as Error).message)) throw reject(400, 'PARSING_ERROR', 'parsing error: token limit reached');
    return null;
  }
}

export function selectOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName) ?? null;
  return operations.length === 1 ? operations[0]! : null;
}

export function analyse(document: DocumentNode, operation: OperationDefinitionNode, metadata: SchemaMetadata, limits: Limits): Analysis {
  const schema = metadata.apiSchema;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measures: Measures = { depth: 0, height: 0, rootFields: 0, aliases: 0, directives: 0 };
  const uniqueFields = new Set<string>();
  const guarded: GuardedField[] = [];
  let introspection = false;
  // Fragment expansion can multiply work; past this many visited fields the operation is over a limit anyway.
  let budget = (limits.maxHeight + limits.maxAliases + limits.maxRootFields) * 50 + 10_000;

  const root = schema.getRootType(operation.operation);
  measures.directives += operation.directives?.length ?? 0;

  const walk = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, path: PathStep[], depth: number, spread: Set<string>): void => {
    for (const selection of selectionSet.selections) {
      measures.directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        if (type && isCompositeType(type)) walk(selection.selectionSet, type, path, depth, spread);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || spread.has(name)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && isCompositeType(type)) walk(fragment.selectionSet, type, path, depth, new Set([...spread, name]));
        continue;
      }
      if ((budget -= 1) < 0) return;
      const name = selection.name.value;
      const key = selection.alias?.value ?? name;
      if (selection.alias) measures.aliases += 1;
      if (depth === 0) measures.rootFields += 1;
      if (name === '__typename') continue;
      if (name === '__schema' || name === '__type') {
        if (depth === 0) introspection = true;
        continue;
      }
      if (!isObjectType(parentType) && !isInterfaceType(parentType)) continue;
      const field = parentType.getFields()[name];
      if (!field) continue;
      measures.depth = Math.max(measures.depth, depth + 1);
      uniqueFields.add(`${parentType.name}.${name}`);
      const named = getNamedType(field.type);
      const fieldPath = [...path, ...steps(key, field.type)];
      const requirement = metadata.requirement(parentType.name, name, named.name);
      if (requirement) guarded.push({ node: selection, requirement, path: fieldPath.slice(0, path.length + 1) });
      if (selection.selectionSet && isCompositeType(named)) walk(selection.selectionSet, named, fieldPath, depth + 1, spread);
    }
  };
  if (root) walk(operation.selectionSet, root, [], 0, new Set());
  measures.height = uniqueFields.size;
  return { document, operation, fragments, measures, introspection, guarded };
}

/** The path steps a field adds: its key, then one `@` per list level, each with its nullability. */
function steps(key: string, type: GraphQLOutputType): PathStep[] {
  const result: PathStep[] = [{ key, nullable: !isNonNullType(type) }];
  let current = getNullableType(type);
  while (isListType(current)) {
    result.push({ key: '@', nullable: !isNonNullType(current.ofType) });
    current = getNullableType(current.ofType);
  }
  return result;
}

/** Apollo's codes for each limit, in the order they are reported. */
export function limitErrors(measures: Measures, limits: Limits) {
  const checks = [
    ['MAX_DEPTH_LIMIT', measures.depth, limits.maxDepth, 'Maximum depth limit exceeded in this operation'],
    ['MAX_HEIGHT_LIMIT', measures.height, limits.maxHeight, 'Maximum height (field count) limit exceeded in this operation'],
    ['MAX_ROOT_FIELDS_LIMIT', measures.rootFields, limits.maxRootFields, 'Maximum root fields limit exceeded in this operation'],
    ['MAX_ALIASES_LIMIT', measures.aliases, limits.maxAliases, 'Maximum aliases limit exceeded in this operation'],
    ['MAX_DIRECTIVES_LIMIT', measures.directives, limits.maxDirectives, 'Maximum directives limit exceeded in this operation'],
  ] as const;
  return checks
    .filter(([, actual, max]) => actual > max)
    .map(([code, actual, max, message]) => ({ message, extensions: { code, actual, limit: max } }));
}

/**
 * Reads an operation before it is planned, in time linear in the document, however its fragments are
 * spread:
 * - `parseOperation` parses under the parser caps (tokens, nesting) and selects the operation the
 *   request names, refusing what the GraphQL-over-HTTP spec calls the client's fault with a 4xx.
 * - `measure` computes depth, height, root fields, aliases, directives and the number of field
 *   occurrences once expanded, computing each fragment's figures once and reusing them wherever it
 *   is spread (a fragment spreading another twice costs two additions, not two walks); fragment
 *   cycles are refused. Counts saturate instead of overflowing.
 * - `eachField` visits every field node reachable from the operation once, with its parent type:
 *   what authorization and the slicing check need, since a field's requirement depends only on its
 *   parent type and name, not on the path it is reached by.
 * - `occurrences` walks the expanded operation (paths of removed fields) and is only called once the
 *   expanded size is known to be under its cap.
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { reject } from './rejection.js';

/** Where counts stop growing: far above any limit, far below where float arithmetic loses integers. */
export const SATURATED = Number.MAX_SAFE_INTEGER;
export const add = (a: number, b: number) => Math.min(a + b, SATURATED);
export const mul = (a: number, b: number) => (a === 0 || b === 0 ? 0 : Math.min(a * b, SATURATED));

export interface ParserCaps {
  /** Characters of document text; graphql-js lexes a long string or comment character by character. */
  maxLength: number;
  maxTokens: number;
  maxRecursion: number;
}

/** A parsed document with the operation the request selected and its fragments by name. */
export interface Operation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
}

/**
 * Nesting of `{` `(` `[` outside strings and comments, counted before parsing: graphql-js has no
 * recursion limit of its own and a deeply nested document would exhaust the stack.
 */
export function nesting(query: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < query.length; i += 1) {
    const char = query.charCodeAt(i);
    if (char === 35 /* # */) {
      while (i < query.length && query.charCodeAt(i) !== 10) i += 1;
    } else if (char === 34 /* " */) {
      const block = query.startsWith('"""', i);
      const end = block ? query.indexOf('"""', i + 3) : findStringEnd(query, i + 1);
      i = end < 0 ? query.length : end + (block ? 2 : 0);
    } else if (char === 123 || char === 40 || char === 91) {
      depth += 1;
      if (depth > max) max = depth;
    } else if (char === 125 || char === 41 || char === 93) {
      depth -= 1;
    }
  }
  return max;
}

function findStringEnd(query: string, from: number): number {
  for (let i = from; i < query.length; i += 1) {
    const char = query.charCodeAt(i);
    if (char === 92 /* \ */) i += 1;
    else if (char === 34 || char === 10) return i;
  }
  return -1;
}

/**
 * Parses under the parser caps (`PARSING_ERROR`, 400, Apollo's wording; the length cap is ours). A syntax error returns null:
 * Apollo Server reports it (400, `GRAPHQL_PARSE_FAILED`) with the location.
 */
export function parseLimited(query: string, caps: ParserCaps): DocumentNode | null {
  if (query.length > caps.maxLength) throw reject(400, 'PARSING_ERROR', 'parsing error: document length limit reached', { limit: caps.maxLength });
  if (nesting(query) > caps.maxRecursion) throw reject(400, 'PARSING_ERROR', 'parsing error: recursion limit reached');
  try {
    return parse(query, { maxTokens: caps.maxTokens, noLocation: true });
  } catch (error) {
    // graphql-js words it "Document contains more that N tokens" (sic).
    if (/contains more th[ae][nt] \d+ tokens/.test((error as Error).message)) throw reject(400, 'PARSING_ERROR', 'parsing error: token limit reached');
    return null;
  }
}

/**
 * The operation a request runs (GraphQL spec, GetOperation): the one named `operationName`, else the
 * only one. Anything else is the client's fault: 400 `GRAPHQL_UNKNOWN_OPERATION_NAME` (Apollo's router).
 */
export function selectOperation(document: DocumentNode, operationName: string | undefined): Operation {
  const operations: OperationDefinitionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
    else if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) fragments.set(definition.name.value, definition);
  }
  let operation: OperationDefinitionNode | undefined;
  if (operationName !== undefined) {
    operation = operations.find((o) => o.name?.value === operationName);
    if (!operation) throw reject(400, 'GRAPHQL_UNKNOWN_OPERATION_NAME', `Unknown operation named "${operationName.slice(0, 100)}"`);
  } else if (operations.length === 1) {
    operation = operations[0];
  } else {
    const message = operations.length === 0 ? 'The document contains no operation' : 'Must provide operation name if query contains multiple operations.';
    throw reject(400, 'GRAPHQL_UNKNOWN_OPERATION_NAME', message);
  }
  return { document, operation: operation!, fragments };
}

/** What `measure` reports; each count is over the operation with every fragment expanded where it is spread. */
export interface Measures {
  depth: number;
  /** Unique `Type.field` coordinates. */
  height: number;
  rootFields: number;
  aliases: number;
  directives: number;
  /** Field occurrences once fragments are expanded: the size of what the gateway plans. */
  expandedFields: number;
  /** Uses `__schema` or `__type` at the root (not `__typename`, which is always allowed). */
  introspection: boolean;
}

interface Shape {
  depth: number;
  fields: number;
  aliases: number;
  directives: number;
  /** Fields at this level (root fields when this is the operation's selection set). */
  level: number;
  introspection: boolean;
}

const EMPTY: Shape = { depth: 0, fields: 0, aliases: 0, directives: 0, level: 0, introspection: false };

function combine(a: Shape, b: Shape): Shape {
  return {
    depth: Math.max(a.depth, b.depth),
    fields: add(a.fields, b.fields),
    aliases: add(a.aliases, b.aliases),
    directives: add(a.directives, b.directives),
    level: add(a.level, b.level),
    introspection: a.introspection || b.introspection,
  };
}

/** The field a selection names on its parent type, or undefined (unknown fields are left to validation). */
export function fieldOf(parent: GraphQLCompositeType, node: FieldNode): GraphQLField<unknown, unknown> | undefined {
  if (!isObjectType(parent) && !isInterfaceType(parent)) return undefined;
  return parent.getFields()[node.name.value];
}

/** The composite type a fragment or inline fragment applies to, or undefined when the schema has none by that name. */
export function conditionType(schema: GraphQLSchema, name: string | undefined, fallback?: GraphQLCompositeType): GraphQLCompositeType | undefined {
  if (!name) return fallback;
  const type = schema.getType(name);
  return type && isCompositeType(type) ? type : undefined;
}

/**
 * Calls `compute` once per fragment name and remembers the answer; a fragment reached again while it is
 * being computed is a cycle, refused as graphql-js's NoFragmentCycles rule words it.
 */
export function fragmentMemo<T>(compute: (fragment: FragmentDefinitionNode) => T): (name: string, fragments: Map<string, FragmentDefinitionNode>) => T | undefined {
  const done = new Map<string, T>();
  const active = new Set<string>();
  return (name, fragments) => {
    const known = done.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment) return undefined;
    if (active.has(name)) throw reject(400, 'GRAPHQL_VALIDATION_FAILED', `Cannot spread fragment "${name}" within itself.`);
    active.add(name);
    try {
      const value = compute(fragment);
      done.set(name, value);
      return value;
    } finally {
      active.delete(name);
    }
  };
}

/** Measures the selected operation (see `Measures`), each fragment once. Throws a 400 Rejection on a fragment cycle. */
export function measure(op: Operation, schema: GraphQLSchema): Measures {
  const fragmentShape: (name: string, fragments: Map<string, FragmentDefinitionNode>) => Shape | undefined = fragmentMemo((fragment) => {
    const type = conditionType(schema, fragment.typeCondition.name.value);
    return type ? shapeOf(fragment.selectionSet, type) : EMPTY;
  });

  function shapeOf(selectionSet: SelectionSetNode, parent: GraphQLCompositeType): Shape {
    let shape = EMPTY;
    for (const selection of selectionSet.selections) {
      const directives = selection.directives?.length ?? 0;
      shape = combine(shape, { ...EMPTY, directives });
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = conditionType(schema, selection.typeCondition?.name.value, parent);
        if (type) shape = combine(shape, shapeOf(selection.selectionSet, type));
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const spread = fragmentShape(selection.name.value, op.fragments);
        if (spread) shape = combine(shape, spread);
        continue;
      }
      const name = selection.name.value;
      const own: Shape = { ...EMPTY, fields: 1, level: 1, aliases: selection.alias ? 1 : 0, introspection: name === '__schema' || name === '__type' };
      const field = fieldOf(parent, selection);
      const named = field && getNamedType(field.type);
      if (field) own.depth = 1;
      if (selection.selectionSet && named && isCompositeType(named)) {
        const child = shapeOf(selection.selectionSet, named);
        own.depth = add(1, child.depth);
        own.fields = add(own.fields, child.fields);
        own.aliases = add(own.aliases, child.aliases);
        own.directives = add(own.directives, child.directives);
      }
      shape = combine(shape, own);
    }
    return shape;
  }

  const root = schema.getRootType(op.operation.operation);
  const shape = root ? shapeOf(op.operation.selectionSet, root) : EMPTY;
  const coordinates = new Set<string>();
  eachField(op, schema, (node, parent, field) => {
    if (field) coordinates.add(`${parent.name}.${field.name}`);
  });
  return {
    depth: shape.depth,
    height: coordinates.size,
    rootFields: shape.level,
    aliases: shape.aliases,
    directives: add(shape.directives, op.operation.directives?.length ?? 0),
    expandedFields: shape.fields,
    introspection: shape.introspection,
  };
}

/**
 * Calls `visit` once for every field node of the operation and of the fragments it reaches (directly
 * or through other fragments), with the type the field is selected on and its definition (undefined
 * for `__typename` and unknown fields). Linear in the document.
 */
export function eachField(
  op: Operation,
  schema: GraphQLSchema,
  visit: (node: FieldNode, parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown> | undefined) => void,
): void {
  const seen = new Set<string>();
  const pending: [SelectionSetNode, GraphQLCompositeType][] = [];
  const root = schema.getRootType(op.operation.operation);
  if (root) pending.push([op.operation.selectionSet, root]);
  while (pending.length > 0) {
    const [selectionSet, parent] = pending.pop()!;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = conditionType(schema, selection.typeCondition?.name.value, parent);
        if (type) pending.push([selection.selectionSet, type]);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = op.fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        seen.add(name);
        const type = conditionType(schema, fragment.typeCondition.name.value, parent);
        if (type) pending.push([fragment.selectionSet, type]);
      } else {
        const field = fieldOf(parent, selection);
        visit(selection, parent, field);
        const named = field && getNamedType(field.type);
        if (selection.selectionSet && named && isCompositeType(named)) pending.push([selection.selectionSet, named]);
      }
    }
  }
}

/** One step of a response path: a response key, or `@` for "every item of this list". */
export interface PathStep {
  key: string;
  /** Whether the value at this step may be null (so a null stops propagating here). */
  nullable: boolean;
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

/**
 * Every response path at which one of `nodes` occurs, fragments expanded: `{node, path}` where `path`
 * ends at the field's own key. Visits each expanded field occurrence, so the caller must have checked
 * `Measures.expandedFields` against its cap first.
 */
export function occurrences(op: Operation, schema: GraphQLSchema, nodes: ReadonlySet<FieldNode>): { node: FieldNode; path: PathStep[] }[] {
  const found: { node: FieldNode; path: PathStep[] }[] = [];
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, path: PathStep[], spread: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = conditionType(schema, selection.typeCondition?.name.value, parent);
        if (type) walk(selection.selectionSet, type, path, spread);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = op.fragments.get(selection.name.value);
        if (!fragment || spread.has(fragment.name.value)) continue;
        const type = conditionType(schema, fragment.typeCondition.name.value, parent);
        if (type) walk(fragment.selectionSet, type, path, new Set([...spread, fragment.name.value]));
        continue;
      }
      const field = fieldOf(parent, selection);
      if (!field) continue;
      const fieldPath = [...path, ...steps(selection.alias?.value ?? selection.name.value, field.type)];
      if (nodes.has(selection)) found.push({ node: selection, path: fieldPath.slice(0, path.length + 1) });
      const named = getNamedType(field.type);
      if (selection.selectionSet && isCompositeType(named)) walk(selection.selectionSet, named, fieldPath, spread);
    }
  };
  const root = schema.getRootType(op.operation.operation);
  if (root) walk(op.operation.selectionSet, root, [], new Set());
  return found;
}

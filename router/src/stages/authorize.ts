/**
 * Stage `authorize`: `@authenticated` and `@requiresScopes` over the whole operation (every field node
 * reachable from it, each checked once: a field's requirement depends on its parent type and name, not
 * on the path that reaches it), enforced the way Apollo's router does: fields the caller may
 * not see are removed from the operation before it is planned (so no subgraph is asked for them), and
 * the response keeps its shape with `null` in their place (normal null propagation) and one
 * `UNAUTHORIZED_FIELD_OR_TYPE` error per removed path. A selection left empty keeps a hidden
 * `__typename` so its parent still resolves; that key is stripped from the response.
 *
 * As in Apollo's router, the operation is judged as the client sent it before anything is removed: an
 * invalid one is left whole for Apollo Server's validation to refuse (400 `GRAPHQL_VALIDATION_FAILED`,
 * so removing a field never turns an invalid operation valid), and variables that do not coerce are
 * 400 `BAD_USER_INPUT` even when the fields using them are removed. The rewrite drops the variable
 * definitions and fragments only removed fields used, so what is left is valid too.
 *
 * Fields under the `user` of a `signUp` / `logIn` payload are judged as if the caller were
 * authenticated (see sign-in.ts); the stage records the sign-in fields' response keys so the gateway
 * can sign the request's later subgraph fetches with the verified token the sign-in returns.
 */
import { getNamedType, getVariableValues, Kind, print, validate, visit, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';
import { eachField, occurrences, type Operation, type PathStep } from '../operation.js';
import { Rejection, type RouterError } from '../rejection.js';
import type { Requirement, SchemaMetadata } from '../schema-metadata.js';
import { analyzeSignIns } from '../sign-in.js';
import type { RemovedField, Stage } from './stage.js';

export interface Caller {
  authenticated: boolean;
  scopes: ReadonlySet<string>;
}

export const UNAUTHORIZED_MESSAGE = 'Unauthorized field or type';
const PLACEHOLDER = '__authorization_typename';

export function satisfies(requirement: Requirement, caller: Caller): boolean {
  if (requirement.authenticated && !caller.authenticated) return false;
  if (!requirement.scopes) return true;
  return requirement.scopes.some((all) => all.every((scope) => caller.scopes.has(scope)));
}

export function callerOf(claims: JWTPayload | null): Caller {
  const scope = typeof claims?.scope === 'string' ? claims.scope : '';
  return { authenticated: claims !== null, scopes: new Set(scope.split(' ').filter(Boolean)) };
}

/** Every field node of the operation (and the fragments it reaches) that carries a requirement, once each. */
export function guardedFields(op: Operation, metadata: SchemaMetadata): Map<FieldNode, Requirement> {
  const guarded = new Map<FieldNode, Requirement>();
  eachField(op, metadata.apiSchema, (node, parent, field) => {
    const requirement = field && metadata.requirement(parent.name, field.name, getNamedType(field.type).name);
    if (requirement) guarded.set(node, requirement);
  });
  return guarded;
}

/**
 * The document without the field nodes `removed` (printed), or null when nothing is left of the
 * operation. Variable definitions and fragment definitions that only removed fields used go too
 * (graphql-js's NoUnusedVariables / NoUnusedFragments would refuse them); the variables' values, which
 * execution ignores once undeclared, may stay in the request.
 */
export function withoutFields(document: DocumentNode, removed: ReadonlySet<FieldNode>): string | null {
  let emptied = false;
  const filtered = visit(document, {
    Field: { enter: (node) => (removed.has(node) ? null : undefined) },
    SelectionSet: {
      leave: (node: SelectionSetNode, _key, parent) => {
        if (node.selections.length > 0) return undefined;
        // The operation's own selection set emptied: nothing is left to execute.
        if (parent && !Array.isArray(parent) && (parent as { kind?: string }).kind === Kind.OPERATION_DEFINITION) {
          emptied = true;
          return undefined;
        }
        const placeholder: FieldNode = {
          kind: Kind.FIELD,
          alias: { kind: Kind.NAME, value: PLACEHOLDER },
          name: { kind: Kind.NAME, value: '__typename' },
        };
        return { ...node, selections: [placeholder] };
      },
    },
  }) as DocumentNode;
  return emptied ? null : print(withoutUnused(filtered));
}

/** The document without fragment definitions no operation reaches and each operation without the variables it no longer uses. */
function withoutUnused(document: DocumentNode): DocumentNode {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const reached = new Set<string>();
  const operations = document.definitions.map((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION) return definition;
    const variables = new Set<string>();
    const seen = new Set<string>();
    const pending: { readonly kind: Kind }[] = [definition.selectionSet, ...(definition.directives ?? [])];
    while (pending.length > 0) {
      visit(pending.pop() as SelectionSetNode, {
        Variable: (node) => void variables.add(node.name.value),
        FragmentSpread: (node) => {
          const fragment = fragments.get(node.name.value);
          if (fragment && !seen.has(node.name.value)) {
            seen.add(node.name.value);
            pending.push(fragment);
          }
        },
      });
    }
    for (const name of seen) reached.add(name);
    const used = definition.variableDefinitions?.filter((variable) => variables.has(variable.variable.name.value));
    return used?.length === definition.variableDefinitions?.length ? definition : { ...definition, variableDefinitions: used };
  });
  const definitions = operations.filter((definition) => definition.kind !== Kind.FRAGMENT_DEFINITION || reached.has(definition.name.value));
  return { ...document, definitions };
}

export function unauthorizedErrors(removed: RemovedField[]): RouterError[] {
  return removed.map((field) => ({
    message: UNAUTHORIZED_MESSAGE,
    path: field.path.map((step) => step.key),
    extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
  }));
}

/**
 * Puts each removed field back as `null` where null propagation lands it (the field itself when it
 * is nullable, else its nearest nullable ancestor, else the whole `data`), and strips placeholders.
 */
export function restoreRemoved(data: Record<string, unknown> | null | undefined, removed: RemovedField[]): Record<string, unknown> | null {
  let result: Record<string, unknown> | null = data ?? (Object.create(null) as Record<string, unknown>);
  for (const field of removed) {
    const landing = nullLanding(field.path);
    if (landing < 0) return null;
    if (result) setNull(result, field.path, 0, landing);
  }
  if (result) stripPlaceholders(result);
  return result;
}

function nullLanding(path: PathStep[]): number {
  for (let i = path.length - 1; i >= 0; i -= 1) if (path[i]!.nullable) return i;
  return -1;
}

function setNull(value: unknown, path: PathStep[], index: number, landing: number): void {
  if (value === null || typeof value !== 'object') return;
  const step = path[index]!;
  if (step.key === '@') {
    if (!Array.isArray(value)) return;
    for (let i = 0; i < value.length; i += 1) {
      if (index === landing) value[i] = null;
      else setNull(value[i], path, index + 1, landing);
    }
    return;
  }
  const record = value as Record<string, unknown>;
  // Defined, not assigned: a response key may be `__proto__`, whose assignment would set the prototype.
  if (index === landing) Object.defineProperty(record, step.key, { value: null, enumerable: true, writable: true, configurable: true });
  else if (Object.hasOwn(record, step.key)) setNull(record[step.key], path, index + 1, landing);
}

function stripPlaceholders(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) stripPlaceholders(item);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    delete record[PLACEHOLDER];
    for (const child of Object.values(record)) stripPlaceholders(child);
  }
}

/** What the stage learns once per operation: its guarded fields, those under a sign-in payload's `user`, the sign-in keys. */
interface Analysis {
  guarded: Map<FieldNode, Requirement>;
  self: Set<FieldNode>;
  signIns: string[];
}

/**
 * How fields under a sign-in payload's `user` are judged: the caller IS that user, so authenticated;
 * scopes only those the caller's current token already has (the new user's are unknown until it runs).
 */
export function signedInAs(caller: Caller): Caller {
  return { authenticated: true, scopes: caller.scopes };
}

export type AuthorizeOptions = Pick<Config, 'AUTHZ_REJECT_UNAUTHORIZED'>;

/** Characters of operation texts and their rewrites kept for callers who may not see some fields. */
const REWRITE_CACHE_CHARS = 16 * 1024 * 1024;

export function authorizeStage(options: AuthorizeOptions): Stage {
  let analysisOf = new WeakMap<OperationDefinitionNode, Analysis>();
  // Documents are cached by text in `document`, so the same node comes back for the same text.
  let validity = new WeakMap<DocumentNode, boolean>();
  const isValid = (schema: GraphQLSchema, document: DocumentNode): boolean => {
    let valid = validity.get(document);
    if (valid === undefined) {
      valid = validate(schema, document).length === 0;
      validity.set(document, valid);
    }
    return valid;
  };
  // Keyed by the text (up to MAX_DOCUMENT_LENGTH) and holding its rewrite: bounded by size, not count alone.
  const rewrites = new LRUCache<string, { query: string | null }>({ max: 5_000, maxSize: REWRITE_CACHE_CHARS, sizeCalculation: (rewrite, key) => key.length + (rewrite.query?.length ?? 0) + 1 });
  return {
    name: 'authorize',
    run(state) {
      const op = state.operation;
      if (!op || !state.metadata || state.query === null) return;
      let analysis = analysisOf.get(op.operation);
      if (!analysis) {
        const signIns = analyzeSignIns(op, state.metadata.apiSchema);
        analysis = { guarded: guardedFields(op, state.metadata), self: signIns.self, signIns: signIns.keys };
        analysisOf.set(op.operation, analysis);
      }
      state.signIns = analysis.signIns;
      const { guarded, self } = analysis;
      if (guarded.size === 0) return;
      const caller = callerOf(state.claims);
      const signedIn = signedInAs(caller);
      const refused = new Set<FieldNode>();
      const indexes: number[] = [];
      let index = 0;
      for (const [node, requirement] of guarded) {
        if (!satisfies(requirement, self.has(node) ? signedIn : caller)) {
          refused.add(node);
          indexes.push(index);
        }
        index += 1;
      }
      if (refused.size === 0) return;
      // Judged as sent: an invalid operation goes to Apollo Server's validation whole (nothing executes).
      if (!isValid(state.metadata.apiSchema, op.document)) return;
      const coerced = getVariableValues(state.metadata.apiSchema, op.operation.variableDefinitions ?? [], state.raw.variables ?? {}, { maxErrors: 50 });
      if (coerced.errors) throw new Rejection(400, coerced.errors.map((error) => ({ message: error.message, ...(error.locations ? { locations: error.locations } : {}), extensions: { code: 'BAD_USER_INPUT' } })));
      // Bounded: `limits` has refused operations whose expanded size is over MAX_EXPANDED_FIELDS.
      const removed: RemovedField[] = occurrences(op, state.metadata.apiSchema, refused).map(({ node, path }) => ({ node, path, requirement: guarded.get(node)! }));
      if (options.AUTHZ_REJECT_UNAUTHORIZED) {
        return { status: 200, body: JSON.stringify({ data: null, errors: unauthorizedErrors(removed) }) };
      }
      const key = `${state.raw.operationName ?? ''}\u0000${indexes.join(',')}\u0000${state.query}`;
      let rewrite = rewrites.get(key);
      if (!rewrite) {
        rewrite = { query: withoutFields(op.document, refused) };
        rewrites.set(key, rewrite);
      }
      if (rewrite.query === null) {
        return { status: 200, body: JSON.stringify({ data: restoreRemoved({}, removed), errors: unauthorizedErrors(removed) }) };
      }
      state.query = rewrite.query;
      state.removed = removed;
    },
    schemaChanged() {
      analysisOf = new WeakMap();
      validity = new WeakMap();
      rewrites.clear();
    },
  };
}

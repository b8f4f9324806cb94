/**
 * Stage `authorize`: `@authenticated` and `@requiresScopes` over the whole operation (every field node
 * reachable from it, each checked once: a field's requirement depends on its parent type and name, not
 * on the path that reaches it), enforced the way Apollo's router does: fields the caller may
 * not see are removed from the operation before it is planned (so no subgraph is asked for them), and
 * the response keeps its shape with `null` in their place (normal null propagation) and one
 * `UNAUTHORIZED_FIELD_OR_TYPE` error per removed path. A selection left empty keeps a hidden
 * `__typename` so its parent still resolves; that key is stripped from the response.
 *
 * Fields under the `user` of a `signUp` / `logIn` payload are judged as if the caller were
 * authenticated (see sign-in.ts); the stage records the sign-in fields' response keys so the gateway
 * can sign the request's later subgraph fetches with the verified token the sign-in returns.
 */
import { getNamedType, Kind, print, visit, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';
import { eachField, occurrences, type Operation, type PathStep } from '../operation.js';
import type { RouterError } from '../rejection.js';
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

/** The document without the field nodes `removed` (printed), or null when nothing is left of the operation. */
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
  return emptied ? null : print(filtered);
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
  let result: Record<string, unknown> | null = data ?? {};
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
  if (index === landing) record[step.key] = null;
  else setNull(record[step.key], path, index + 1, landing);
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

export function authorizeStage(options: AuthorizeOptions): Stage {
  let analysisOf = new WeakMap<OperationDefinitionNode, Analysis>();
  const rewrites = new LRUCache<string, { query: string | null }>({ max: 5_000 });
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
      rewrites.clear();
    },
  };
}

/**
 * `@authenticated` and `@requiresScopes`, enforced the way Apollo's router does: fields the caller may
 * not see are removed from the operation before it is planned (so no subgraph is asked for them), and
 * the response keeps its shape with `null` in their place (normal null propagation) and one
 * `UNAUTHORIZED_FIELD_OR_TYPE` error per removed path. A selection left empty keeps a hidden
 * `__typename` so its parent still resolves; that key is stripped from the response.
 */
import { Kind, print, visit, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';
import type { Analysis, GuardedField, PathStep } from './operation.js';
import type { RouterError } from './rejection.js';
import type { Requirement } from './schema-metadata.js';

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

/** The guarded fields of the operation this caller may not see. */
export function unauthorizedFields(analysis: Analysis, caller: Caller): GuardedField[] {
  return analysis.guarded.filter((field) => !satisfies(field.requirement, caller));
}

/** The operation without `removed` (printed), or null when nothing is left of it. */
export function withoutFields(analysis: Analysis, removed: GuardedField[]): string | null {
  const nodes = new Set<FieldNode>(removed.map((field) => field.node));
  let emptied = false;
  const filtered = visit(analysis.document, {
    Field: { enter: (node) => (nodes.has(node) ? null : undefined) },
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

export function unauthorizedErrors(removed: GuardedField[]): RouterError[] {
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
export function restoreRemoved(data: Record<string, unknown> | null | undefined, removed: GuardedField[]): Record<string, unknown> | null {
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

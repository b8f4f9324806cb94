/**
 * Keys and tags of the entity cache. An entry is one subgraph's answer for one entity (an `_entities`
 * representation) or for one root fetch, for one selection, for one scope:
 *
 *   <prefix>e:<subgraph>:<Type>:<hash of the representation>:<hash of the selection>:<scope>
 *   <prefix>r:<subgraph>:<hash of query and variables>:<scope>
 *
 * The selection hash covers the fetch's query text and its variables other than `representations`,
 * so the same entity fetched with other fields is another entry. The scope is `public`, or for PRIVATE
 * answers a hash of the claims that decide what the caller may read (its `sub` and `scope`): two users,
 * or one user whose roles changed, never share a private entry.
 *
 * Tags say which entries an event purges (`Product:<id>`, `Query.products`; see
 * @commerce/kit/events/cache-invalidation) and, by type name, what the operator's purge removes.
 */
import { createHash } from 'node:crypto';
import { BREAK, Kind, parse, visit, type OperationDefinitionNode } from 'graphql';
import { LIST_ROOT_FIELDS, LIST_TAGS_OF_TYPE, entityTag, listTag, typeTag } from '@commerce/kit/events/cache-invalidation';
import type { CacheScope } from './hints.js';

const hash = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The hash of a fetch's selection: its query and its variables except the entity representations. */
export function selectionHash(query: string, variables: Record<string, unknown> | undefined): string {
  const { representations: _representations, ...rest } = variables ?? {};
  return hash(`${query}\n${stableJson(rest)}`);
}

/**
 * The scope part of a key: `public`, or for PRIVATE a hash of the caller's `sub` and `scope` claims;
 * null when the answer is PRIVATE and the caller anonymous (nothing to key it by: not cached).
 */
export function scopeKey(scope: CacheScope, claims: { sub?: unknown; scope?: unknown } | null | undefined): string | null {
  if (scope === 'PUBLIC') return 'public';
  if (!claims || typeof claims.sub !== 'string' || claims.sub === '') return null;
  return `u.${hash(`${claims.sub}\n${typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean).sort().join(' ') : ''}`)}`;
}

export interface Representation {
  __typename: string;
  id: string;
}

/** A representation the cache can key and purge: a typename and an `id` (other keys, like `sku`, are not cached). */
export function cacheableRepresentation(value: unknown): value is Representation & Record<string, unknown> {
  const candidate = value as Partial<Representation> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.__typename === 'string' && typeof candidate.id === 'string' && candidate.id !== '';
}

export function entityKey(prefix: string, subgraph: string, representation: Representation, selection: string, scope: string): string {
  return `${prefix}e:${subgraph}:${representation.__typename}:${hash(stableJson(representation))}:${selection}:${scope}`;
}

export function rootKey(prefix: string, subgraph: string, selection: string, scope: string): string {
  return `${prefix}r:${subgraph}:${selection}:${scope}`;
}

/** The tags of an entity entry: the entity, and its type (for the operator's purge by type). */
export function entityTags(representation: Representation): string[] {
  return [entityTag(representation.__typename, representation.id), typeTag(representation.__typename)];
}

export interface RootField {
  responseKey: string;
  name: string;
  /** The field's `id` argument, when it has one: a literal, or the variable that gives it. */
  idArgument?: { value: string } | { variable: string };
}

/** The `id` argument a root field was given (`product(id: $id)`), if any. */
export function idArgumentOf(field: RootField, variables: Record<string, unknown> | undefined): string | undefined {
  const argument = field.idArgument;
  if (!argument) return undefined;
  const value = 'value' in argument ? argument.value : variables?.[argument.variable];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export interface RootFields {
  operation: 'query' | 'mutation' | 'subscription';
  fields: RootField[];
  /**
   * Whether some field of the fetch answers under the response key `id` or `__typename` without being
   * that field (`id: name`): the answer's `id`s and `__typename`s then say nothing of the entities, so
   * no tag may be read from it (`rootTags` refuses to cache; `mutationTags` purges by type instead).
   */
  misleadingKeys: boolean;
}

/** Whether a field anywhere in the document answers under the key `id` or `__typename` without being that field. */
function hasMisleadingKeys(document: ReturnType<typeof parse>): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      const key = node.alias?.value;
      if ((key === 'id' || key === '__typename') && key !== node.name.value) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The root fields a fetch selects (by response key), or null when its root holds anything but plain fields. */
export function rootFieldsOf(query: string): RootFields | null {
  let operation: OperationDefinitionNode | undefined;
  let document: ReturnType<typeof parse>;
  try {
    document = parse(query);
    operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  } catch {
    return null;
  }
  if (!operation) return null;
  const fields: RootField[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return null;
    const id = selection.arguments?.find((argument) => argument.name.value === 'id')?.value;
    const idArgument = id?.kind === Kind.VARIABLE ? { variable: id.name.value } : id?.kind === Kind.STRING ? { value: id.value } : undefined;
    fields.push({ responseKey: selection.alias?.value ?? selection.name.value, name: selection.name.value, ...(idArgument ? { idArgument } : {}) });
  }
  return { operation: operation.operation, fields, misleadingKeys: hasMisleadingKeys(document) };
}

/** `<Type>:<id>` of every object below `value` that carries both `__typename` and `id`. */
function collectEntityTags(value: unknown, tags: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectEntityTags(item, tags);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if (typeof record.__typename === 'string' && typeof record.id === 'string') tags.add(entityTag(record.__typename, record.id));
  for (const item of Object.values(record)) if (item !== null && typeof item === 'object') collectEntityTags(item, tags);
}

/** Objects (or lists of objects) a root field returned, each with its `id`; null when one has none. */
function topLevelIds(value: unknown): string[] | null {
  const items = Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  for (const item of items) {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return null;
    ids.push(id);
  }
  return ids;
}

/**
 * The tags of a root fetch's answer, or null when it cannot be invalidated and so must not be cached:
 * a list root field (LIST_ROOT_FIELDS) is tagged `Query.<field>`; any other root field must return an
 * object (or objects) with an `id`, tagged `<its type>:<id>` (`rootTypes` gives each root field's type),
 * or take an `id` argument, which tags it the same way.
 * Every nested object with `__typename` and `id` adds its own tag. Null, too, when the fetch has
 * misleading response keys (`RootFields.misleadingKeys`).
 */
export function rootTags(root: RootFields, data: Record<string, unknown>, rootTypes: ReadonlyMap<string, string>, variables?: Record<string, unknown>): string[] | null {
  if (root.misleadingKeys) return null;
  const tags = new Set<string>();
  for (const field of root.fields) {
    const { responseKey, name } = field;
    const value = data[responseKey];
    const type = rootTypes.get(name);
    const idArgument = idArgumentOf(field, variables);
    if ((LIST_ROOT_FIELDS as readonly string[]).includes(name)) {
      tags.add(listTag(name as (typeof LIST_ROOT_FIELDS)[number]));
    } else if (idArgument !== undefined && type !== undefined) {
      // By its argument: also covers an answer that selects no `id`, or null (not found yet).
      tags.add(entityTag(type, idArgument));
    } else {
      const ids = type === undefined ? null : topLevelIds(value);
      if (ids === null || ids.length === 0 || type === undefined) return null;
      for (const id of ids) tags.add(entityTag(type, id));
    }
    if (type !== undefined) tags.add(typeTag(type));
    collectEntityTags(value, tags);
  }
  return [...tags];
}

/** Input fields that name an entity by id (`addReview(input: { productId })`), and its type. */
const ENTITY_ID_INPUTS: Record<string, string> = { productId: 'Product', reviewId: 'Review', orderId: 'Order', userId: 'User', authorId: 'User', buyerId: 'User' };

/** `<Type>:<id>` of every entity a mutation's variables name by an ENTITY_ID_INPUTS field. */
function collectInputIds(value: unknown, tags: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectInputIds(item, tags);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const type = Object.hasOwn(ENTITY_ID_INPUTS, key) ? ENTITY_ID_INPUTS[key] : undefined;
    if (type !== undefined && typeof item === 'string' && item !== '') tags.add(entityTag(type, item));
    else collectInputIds(item, tags);
  }
}

/**
 * What a mutation's answer makes stale at once, for read-your-writes through this router: every
 * returned object with an `id` (`<Type>:<id>`, the root field's type from `rootTypes`), every entity its
 * input names (`productId`, ...), and the list pages holding such types; with misleading response keys,
 * every entry of each returned type instead of the returned ids. Events purge the same again (and whatever the change causes elsewhere).
 */
export function mutationTags(root: RootFields, data: Record<string, unknown> | null | undefined, rootTypes: ReadonlyMap<string, string>, variables?: Record<string, unknown>): string[] {
  const tags = new Set<string>();
  for (const field of root.fields) {
    const { responseKey, name } = field;
    const value = data?.[responseKey];
    const type = rootTypes.get(name);
    const idArgument = idArgumentOf(field, variables);
    if (type !== undefined && idArgument !== undefined) tags.add(entityTag(type, idArgument));
    if (type === undefined || value === null || value === undefined) continue;
    if (root.misleadingKeys) {
      // The answer's ids cannot be trusted: every entry of the type goes.
      tags.add(typeTag(type));
      for (const tag of LIST_TAGS_OF_TYPE[type] ?? []) tags.add(tag);
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      const id = (item as { id?: unknown } | null)?.id;
      if (typeof id === 'string') tags.add(entityTag(type, id));
    }
    for (const tag of LIST_TAGS_OF_TYPE[type] ?? []) tags.add(tag);
    collectEntityTags(value, tags);
  }
  collectInputIds(variables, tags);
  for (const tag of [...tags]) {
    const type = tag.slice(0, tag.indexOf(':'));
    for (const list of LIST_TAGS_OF_TYPE[type] ?? []) tags.add(list);
  }
  return [...tags];
}

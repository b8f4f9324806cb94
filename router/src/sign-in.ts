/**
 * Self-visibility in the payload of a sign-in (`Mutation.signUp` / `Mutation.logIn`): the caller of
 * these mutations has no token yet but IS the user the payload's `user` names (SPEC: "A user's own
 * private fields are readable wherever their own User appears, including the signUp/logIn payloads").
 *
 * Two halves: the `authorize` stage judges the fields under a sign-in payload's `user` as if the caller
 * were authenticated (`selfFields`; `@requiresScopes` still needs the scopes of the caller's current
 * token, the new user's are unknown before the mutation runs), and the gateway's data source, once the
 * users subgraph has answered a sign-in with a token, verifies that token like a request's and signs
 * the later subgraph fetches of the same request with ITS claims (`signInTokens`; the router asks the
 * users subgraph for the token itself, `withSignInTokens`, so this holds when the client did not select
 * `token`). A failed sign-in
 * (null payload, error) changes nothing; claims never come from a token the router did not verify, so
 * the subgraphs' own rules ("the user themself or an admin") still decide whose data that is.
 */
import { getNamedType, isCompositeType, Kind, parse, print, type FieldNode, type GraphQLCompositeType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { conditionType, fieldOf, type Operation } from './operation.js';

/** The mutations that sign the caller in, and the payload field naming the signed-in user. */
export const SIGN_IN_FIELDS: ReadonlySet<string> = new Set(['signUp', 'logIn']);
export const SIGNED_IN_USER_FIELD = 'user';

/** Where a selection sits: anywhere else, in a sign-in payload, or under that payload's `user`. */
type Place = 'outside' | 'payload' | 'self';

export interface SignInAnalysis {
  /** Field nodes reached ONLY under a sign-in payload's `user` (a fragment spread elsewhere too is not). */
  self: Set<FieldNode>;
  /** Response keys (alias or name) of the operation's root sign-in fields, in document order. */
  keys: string[];
}

/**
 * Finds the operation's sign-in fields and the field nodes under their payload's `user`, fragments
 * expanded once per place they are spread in (so linear in the document, like `eachField`).
 */
export function analyzeSignIns(op: Operation, schema: GraphQLSchema): SignInAnalysis {
  const keys: string[] = [];
  const mutation = schema.getMutationType();
  const root = schema.getRootType(op.operation.operation);
  if (!root || !mutation || root !== mutation) return { self: new Set(), keys };
  const inside = new Set<FieldNode>();
  const outside = new Set<FieldNode>();
  const seen = new Set<string>();
  const pending: [SelectionSetNode, GraphQLCompositeType, Place, boolean][] = [[op.operation.selectionSet, root, 'outside', true]];
  while (pending.length > 0) {
    const [selectionSet, parent, place, atRoot] = pending.pop()!;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = conditionType(schema, selection.typeCondition?.name.value, parent);
        if (type) pending.push([selection.selectionSet, type, place, atRoot]);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = op.fragments.get(selection.name.value);
        const seenKey = `${selection.name.value}\u0000${place}\u0000${atRoot}`;
        if (!fragment || seen.has(seenKey)) continue;
        seen.add(seenKey);
        const type = conditionType(schema, fragment.typeCondition.name.value, parent);
        if (type) pending.push([fragment.selectionSet, type, place, atRoot]);
        continue;
      }
      const name = selection.name.value;
      let next: Place = 'outside';
      if (place === 'self') {
        inside.add(selection);
        next = 'self';
      } else {
        outside.add(selection);
        if (atRoot && parent === mutation && SIGN_IN_FIELDS.has(name)) {
          keys.push(selection.alias?.value ?? name);
          next = 'payload';
        } else if (place === 'payload' && name === SIGNED_IN_USER_FIELD) {
          next = 'self';
        }
      }
      const field = fieldOf(parent, selection);
      const named = field && getNamedType(field.type);
      if (selection.selectionSet && named && isCompositeType(named)) pending.push([selection.selectionSet, named, next, false]);
    }
  }
  return { self: new Set([...inside].filter((node) => !outside.has(node))), keys };
}

/** The alias under which the router asks a sign-in payload for its token; removed from the answer (`withoutSignInTokens`). */
export const SIGN_IN_TOKEN_ALIAS = '_routerSignInToken';

/**
 * A subgraph fetch (GraphQL text) with each root sign-in field whose response key is in `keys` also
 * selecting `token` under `SIGN_IN_TOKEN_ALIAS`: the payload's `user` may carry private fields of other
 * subgraphs that need the new token's claims, whether or not the client selected `token`. A fetch
 * without such a field comes back unchanged (same string). Throws what graphql's `parse` throws.
 */
export function withSignInTokens(query: string, keys: readonly string[]): string {
  const document = parse(query);
  let changed = false;
  const definitions = document.definitions.map((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== 'mutation') return definition;
    const selections = definition.selectionSet.selections.map((selection) => {
      if (selection.kind !== Kind.FIELD || !selection.selectionSet || !SIGN_IN_FIELDS.has(selection.name.value)) return selection;
      if (!keys.includes(selection.alias?.value ?? selection.name.value)) return selection;
      changed = true;
      const token: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: SIGN_IN_TOKEN_ALIAS }, name: { kind: Kind.NAME, value: 'token' } };
      return { ...selection, selectionSet: { ...selection.selectionSet, selections: [...selection.selectionSet.selections, token] } };
    });
    return { ...definition, selectionSet: { ...definition.selectionSet, selections } } satisfies OperationDefinitionNode;
  });
  return changed ? print({ ...document, definitions }) : query;
}

/** Removes what `withSignInTokens` added from the payloads `keys` of a subgraph answer's data, in place. */
export function withoutSignInTokens(data: unknown, keys: readonly string[]): void {
  if (data === null || typeof data !== 'object') return;
  for (const key of keys) {
    const payload = (data as Record<string, unknown>)[key];
    if (payload !== null && typeof payload === 'object') delete (payload as Record<string, unknown>)[SIGN_IN_TOKEN_ALIAS];
  }
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * The JWT-shaped strings a subgraph's answer carries directly in the payloads of the sign-in fields
 * `keys` (the `token`, under whatever alias the client gave it), in order. Nothing here is trusted:
 * each must still be verified before its claims are used.
 */
export function signInTokens(data: unknown, keys: readonly string[]): string[] {
  if (data === null || typeof data !== 'object') return [];
  const tokens: string[] = [];
  for (const key of keys) {
    const payload = (data as Record<string, unknown>)[key];
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) continue;
    for (const value of Object.values(payload)) if (typeof value === 'string' && JWT_SHAPE.test(value)) tokens.push(value);
  }
  return tokens;
}

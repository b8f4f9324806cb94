/**
 * The subgraphs' `Cache-Control` answer from the schema's `@cacheControl` hints, computed as Apollo
 * Server's cache-control plugin computes it (the router's entity cache reads it: `max-age=300, public`,
 * `max-age=300, private`, or `no-store`), without that plugin's per-field hook.
 *
 * Apollo's plugin uses `willResolveField`, which makes Apollo Server wrap the resolver of **every**
 * field of the schema: each scalar of each entity then allocates a cache policy, two closures and an
 * `info.cacheControl` object, and a promise-returning field gets an extra `.then`. But the policy a
 * field contributes is known from the schema alone, except for dynamic hints (`setCacheHint`, which
 * only `_entities` uses: it restricts its field by each representation's type hint). So here:
 *
 *   - a field whose hint restricts nothing (a scalar without `@cacheControl`, an object of an
 *     `inheritMaxAge` type) is left alone;
 *   - any other non-root field gets a wrapper that restricts the request's policy by the field's
 *     static hint when the field resolves (restricting is idempotent, so how often does not matter);
 *   - root fields (`_entities`, `products`, `me`, mutations) run Apollo's own per-field logic
 *     unchanged, with `info.cacheControl` (dynamic hints are available there only).
 *
 * The header is then written from the request's `overallCachePolicy` as Apollo's plugin writes it
 * (`calculateHttpHeaders: true`, `defaultMaxAge: 0`). A field that never resolves (its parent null, its
 * list empty) contributes nothing in both. Answers with errors are `no-store` in both, so the order in
 * which hints arrive after an error cannot differ either. `cache-control.test.ts` compares the two
 * header for header.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { DirectiveNode, GraphQLField, GraphQLFieldResolver, GraphQLNamedType, GraphQLResolveInfo, GraphQLSchema } from 'graphql';

type Scope = 'PUBLIC' | 'PRIVATE';
interface CacheHint {
  maxAge?: number | undefined;
  scope?: Scope | undefined;
}
interface Annotation extends CacheHint {
  inheritMaxAge?: true;
}
/** Apollo's `CachePolicy` (@apollo/cache-control-types), the type of `overallCachePolicy`. */
interface CachePolicy extends CacheHint {
  replace(hint: CacheHint): void;
  restrict(hint: CacheHint): void;
  policyIfCacheable(): { maxAge: number; scope: Scope } | null;
}

/** Where a wrapped field finds its request's policy: set on the context by the plugin. */
const POLICY = Symbol('cachePolicy');
type PolicyCarrier = { [POLICY]?: CachePolicy };

/** Apollo's `newCachePolicy` (not exported by @apollo/server). */
function newPolicy(): CachePolicy {
  return {
    maxAge: undefined,
    scope: undefined,
    restrict(hint: CacheHint) {
      if (hint.maxAge !== undefined && (this.maxAge === undefined || hint.maxAge < this.maxAge)) this.maxAge = hint.maxAge;
      if (hint.scope !== undefined && this.scope !== 'PRIVATE') this.scope = hint.scope;
    },
    replace(hint: CacheHint) {
      if (hint.maxAge !== undefined) this.maxAge = hint.maxAge;
      if (hint.scope !== undefined) this.scope = hint.scope;
    },
    policyIfCacheable() {
      if (this.maxAge === undefined || this.maxAge === 0) return null;
      return { maxAge: this.maxAge, scope: this.scope ?? 'PUBLIC' };
    },
  };
}

// @apollo/subgraph builds the schema with graphql's CommonJS build and this module loads the ESM one:
// graphql's `isObjectType` & co. (instanceof) fail across the two, so types go by their tag.
const tagOf = (type: unknown) => (type as { [Symbol.toStringTag]?: string } | null)?.[Symbol.toStringTag];
const COMPOSITE = new Set(['GraphQLObjectType', 'GraphQLInterfaceType', 'GraphQLUnionType']);
const isComposite = (type: unknown) => COMPOSITE.has(tagOf(type) ?? '');
function namedType(type: unknown): GraphQLNamedType {
  let current = type as { ofType?: unknown };
  while (current.ofType !== undefined) current = current.ofType as { ofType?: unknown };
  return current as unknown as GraphQLNamedType;
}

/** Apollo's `cacheAnnotationFromDirectives`. */
function fromDirectives(directives: readonly DirectiveNode[] | undefined): Annotation | undefined {
  const directive = directives?.find((d) => d.name.value === 'cacheControl');
  if (!directive?.arguments) return undefined;
  const argument = (name: string) => directive.arguments!.find((a) => a.name.value === name)?.value;
  const scopeValue = argument('scope');
  const scopeText = scopeValue?.kind === 'EnumValue' ? scopeValue.value : undefined;
  const scope = scopeText === 'PUBLIC' || scopeText === 'PRIVATE' ? scopeText : undefined;
  const inherit = argument('inheritMaxAge');
  if (inherit?.kind === 'BooleanValue' && inherit.value) return { inheritMaxAge: true, scope };
  const maxAge = argument('maxAge');
  return { maxAge: maxAge?.kind === 'IntValue' ? parseInt(maxAge.value, 10) : undefined, scope };
}

/** Apollo's `cacheAnnotationFromType`: the type's own hint, else its extensions'. */
function typeAnnotation(type: GraphQLNamedType): Annotation {
  const hint = fromDirectives(type.astNode?.directives);
  if (hint) return hint;
  for (const node of type.extensionASTNodes ?? []) {
    const extension = fromDirectives(node.directives);
    if (extension) return extension;
  }
  return {};
}

const fieldAnnotation = (field: GraphQLField<unknown, unknown>): Annotation => fromDirectives(field.astNode?.directives) ?? {};

/**
 * A field's policy before its resolver runs, as Apollo's `willResolveField` starts it, and whether the
 * field inherits its parent's max age.
 */
function startPolicy(field: GraphQLField<unknown, unknown>): { policy: CachePolicy; inherit: boolean; composite: boolean } {
  const policy = newPolicy();
  let inherit = false;
  const target = namedType(field.type);
  const composite = isComposite(target);
  if (composite) {
    const annotation = typeAnnotation(target);
    policy.replace(annotation);
    inherit = Boolean(annotation.inheritMaxAge);
  }
  const annotation = fieldAnnotation(field);
  if (annotation.inheritMaxAge && policy.maxAge === undefined) {
    inherit = true;
    if (annotation.scope) policy.replace({ scope: annotation.scope });
  } else {
    policy.replace(annotation);
  }
  return { policy, inherit, composite };
}

const DEFAULT_MAX_AGE = 0;

function isPromise(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Apollo's `whenResultIsFinished`. */
function whenFinished(result: unknown, callback: () => void): void {
  if (isPromise(result)) result.then((value) => whenFinished(value, callback), callback);
  else if (Array.isArray(result) && result.some(isPromise)) Promise.all(result).then(callback, callback);
  else callback();
}

type Resolver = GraphQLFieldResolver<unknown, PolicyCarrier>;

/** A root field: Apollo's per-field logic as is, dynamic hints included. */
function rootWrapper(field: GraphQLField<unknown, unknown>, resolve: Resolver, typeHint: (type: GraphQLNamedType) => Annotation): Resolver {
  const composite = isComposite(namedType(field.type));
  return (source, args, context, info: GraphQLResolveInfo & { cacheControl?: unknown }) => {
    const overall = context?.[POLICY];
    if (!overall) return resolve(source, args, context, info);
    const { policy, inherit } = startPolicy(field);
    info.cacheControl = {
      setCacheHint: (hint: CacheHint) => policy.replace(hint),
      cacheHint: policy,
      cacheHintFromType: typeHint,
    };
    const finish = () => {
      if (policy.maxAge === undefined && ((composite && !inherit) || !info.path.prev)) policy.restrict({ maxAge: DEFAULT_MAX_AGE });
      overall.restrict(policy);
    };
    let result: unknown;
    try {
      result = resolve(source, args, context, info);
    } catch (error) {
      finish();
      throw error;
    }
    whenFinished(result, finish);
    return result;
  };
}

/**
 * Wraps the fields of `schema` (the final one, after graphql-middleware) that contribute to the
 * request's cache policy; returns the plugin that hands each request its policy and writes the header.
 * Install it with `plugins` (it disables Apollo's own cache-control plugin).
 */
export function staticCacheControl<C extends BaseContext>(schema: GraphQLSchema, defaultFieldResolver: Resolver): ApolloServerPlugin<C>[] {
  const typeHints = new Map<GraphQLNamedType, Annotation>();
  const typeHint = (type: GraphQLNamedType) => {
    let hint = typeHints.get(type);
    if (!hint) typeHints.set(type, (hint = typeAnnotation(type)));
    return hint;
  };
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || tagOf(type) !== 'GraphQLObjectType') continue;
    for (const field of Object.values((type as unknown as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields())) {
      const resolve = (field.resolve ?? defaultFieldResolver) as Resolver;
      if (roots.has(type as never)) {
        field.resolve = rootWrapper(field, resolve, typeHint) as GraphQLFieldResolver<unknown, unknown>;
        continue;
      }
      // A non-root field's policy is static: Apollo's start, then its end rule (no parent path check).
      const { policy, inherit, composite } = startPolicy(field);
      if (policy.maxAge === undefined && composite && !inherit) policy.restrict({ maxAge: DEFAULT_MAX_AGE });
      if (policy.maxAge === undefined && policy.scope === undefined) continue;
      const hint: CacheHint = { maxAge: policy.maxAge, scope: policy.scope };
      field.resolve = ((source, args, context, info) => {
        context?.[POLICY]?.restrict(hint);
        return resolve(source, args, context, info);
      }) as Resolver as GraphQLFieldResolver<unknown, unknown>;
    }
  }
  const plugin: ApolloServerPlugin<C> = {
    async requestDidStart({ contextValue, overallCachePolicy }) {
      (contextValue as PolicyCarrier)[POLICY] = overallCachePolicy;
      return {
        async willSendResponse({ response, overallCachePolicy: overall }) {
          const existing = parseExisting(response.http.headers.get('cache-control'));
          if (existing.kind === 'unparsable') return;
          const policy = newPolicy();
          policy.replace(overall);
          if (existing.kind === 'parsable-and-cacheable') policy.restrict(existing.hint);
          const cacheable = policy.policyIfCacheable();
          if (cacheable && existing.kind !== 'uncacheable' && response.body.kind === 'single' && !response.body.singleResult.errors) {
            response.http.headers.set('cache-control', `max-age=${cacheable.maxAge}, ${cacheable.scope.toLowerCase()}`);
          } else {
            response.http.headers.set('cache-control', UNCACHEABLE);
          }
        },
      };
    },
  };
  return [ApolloServerPluginCacheControlDisabled() as ApolloServerPlugin<C>, plugin];
}

const UNCACHEABLE = 'no-store';
const CACHEABLE = /^max-age=(\d+), (public|private)$/;

/** Apollo's `parseExistingCacheControlHeader`: a header something set before the plugin. */
function parseExisting(
  header: string | undefined,
): { kind: 'no-header' | 'uncacheable' | 'unparsable' } | { kind: 'parsable-and-cacheable'; hint: CacheHint } {
  if (!header) return { kind: 'no-header' };
  if (header === UNCACHEABLE) return { kind: 'uncacheable' };
  const match = CACHEABLE.exec(header);
  if (!match) return { kind: 'unparsable' };
  return { kind: 'parsable-and-cacheable', hint: { maxAge: Number(match[1]), scope: match[2] === 'public' ? 'PUBLIC' : 'PRIVATE' } };
}

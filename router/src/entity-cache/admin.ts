/**
 * The operator's purge: `POST /admin/entity-cache/purge` on the router's port, for a bearer token with
 * the `admin` scope (401 without a valid token, 403 without the scope). The JSON body says what goes:
 *
 *   { "all": true }                      every entry
 *   { "type": "Product" }                every entry of a type (entities, and the list pages holding it)
 *   { "key": "Product:<id>" }            one entity, in every subgraph and selection
 *   { "tags": ["Query.products", ...] }  entries by tag (see docs/router.md, "Entity cache")
 *
 * Answers `{ "purged": <entries removed> }`. Redis is purged, with this replica's in-process entries;
 * other replicas' in-process fallback entries (kept only while Redis was failing) expire by their TTL.
 */
import { z } from 'zod';
import { LIST_TAGS_OF_TYPE, typeTag } from '@commerce/kit/events/cache-invalidation';
import type { HttpApp } from '@commerce/kit/http';
import { AuthError, type Verifier } from '../auth.js';
import type { EntityCache } from './cache.js';

const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a GraphQL type name');
export const purgeRequestSchema = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({ type: name }),
  z.strictObject({ key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*:.+$/, '<Type>:<id>') }),
  z.strictObject({ tags: z.array(z.string().min(1)).min(1).max(1_000) }),
]);

export type PurgeRequest = z.infer<typeof purgeRequestSchema>;

/** The tags a purge request names (null: everything). */
export function purgeTagsOf(request: PurgeRequest): string[] | null {
  if ('all' in request) return null;
  if ('type' in request) return [typeTag(request.type), ...(LIST_TAGS_OF_TYPE[request.type] ?? [])];
  if ('key' in request) return [request.key];
  return request.tags;
}

export const PURGE_PATH = '/admin/entity-cache/purge';

export function serveCachePurge(app: HttpApp, cache: EntityCache, verify: Verifier): void {
  app.post(PURGE_PATH, async (request, reply) => {
    let claims;
    try {
      claims = await verify(request.headers.authorization);
    } catch (error) {
      if (error instanceof AuthError) return reply.status(401).send({ error: 'UNAUTHENTICATED', message: error.message });
      throw error;
    }
    if (!claims) return reply.status(401).send({ error: 'UNAUTHENTICATED', message: 'A bearer token with the admin scope is required' });
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!scopes.includes('admin')) return reply.status(403).send({ error: 'FORBIDDEN', message: 'Purging the entity cache needs the admin scope' });
    const body = purgeRequestSchema.safeParse(request.body);
    if (!body.success) return reply.status(400).send({ error: 'BAD_USER_INPUT', message: z.prettifyError(body.error) });
    const tags = purgeTagsOf(body.data);
    const purged = tags === null ? await cache.purgeAll() : await cache.purge(tags, 'admin');
    request.log.info({ purge: body.data, purged, sub: claims.sub }, 'entity cache purged by an admin');
    return reply.send({ purged });
  });
}

/**
 * Persisted queries and safelisting, with Apollo's router's codes and statuses.
 *
 * Manifests are in Apollo's persisted-query-manifest format (`format: "apollo-persisted-query-manifest"`,
 * `version: 1`, `operations: [{ id, name, type, body }]`, id = sha256 of the body), generated from the
 * `.graphql` files they list. `<dir>/partners/<partner>.json` is what a partner (identified by its API
 * key) may run, and nothing else: it must send ids. `<dir>/*.json` are first-party clients' manifests
 * (the storefront sends only ids in production builds); first-party clients may also send free-form
 * operations and use automatic persisted queries (APQ), cached in the shared store.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { reject } from './rejection.js';
import type { KeyValueStore } from './store.js';

const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{64}$/),
      name: z.string(),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string(),
      clientName: z.string().optional(),
    }),
  ),
});

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Reads and checks a manifest; a malformed one (or an id that is not its body's hash) stops the router. */
export function readManifest(file: string): Map<string, string> {
  let parsed: z.output<typeof manifestSchema>;
  try {
    parsed = manifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new Error(`${file} is not an Apollo persisted-query manifest (format "apollo-persisted-query-manifest", version 1): ${(error as Error).message}`);
  }
  const operations = new Map<string, string>();
  for (const operation of parsed.operations) {
    if (sha256(operation.body) !== operation.id) throw new Error(`${file}: operation ${operation.name} has an id that is not the sha256 of its body`);
    operations.set(operation.id, operation.body);
  }
  return operations;
}

function manifestsIn(dir: string): Map<string, Map<string, string>> {
  const manifests = new Map<string, Map<string, string>>();
  if (!existsSync(dir)) return manifests;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
    manifests.set(path.basename(file, '.json'), readManifest(path.join(dir, file)));
  }
  return manifests;
}

/** `partner=key,...` as a map from key to partner. */
export function parsePartnerKeys(setting: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const entry of setting.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [partner, key] = entry.split('=');
    if (!partner || !key) throw new Error(`PARTNER_API_KEYS: "${entry}" is not partner=key`);
    keys.set(key, partner);
  }
  return keys;
}

export interface PersistedQueryRequest {
  query?: string | undefined;
  persistedQuery?: { version?: unknown; sha256Hash?: unknown } | undefined;
}

export class PersistedQueries {
  private readonly firstParty = new Map<string, string>();
  private readonly partners: Map<string, Map<string, string>>;

  constructor(
    dir: string,
    private readonly store: KeyValueStore,
    private readonly apq: { enabled: boolean; ttlSeconds: number },
  ) {
    for (const operations of manifestsIn(dir).values()) for (const [id, body] of operations) this.firstParty.set(id, body);
    this.partners = manifestsIn(path.join(dir, 'partners'));
  }

  hasPartner(partner: string): boolean {
    return this.partners.has(partner);
  }

  /** The operation text to run, or a Rejection with Apollo's code and status. */
  async resolve(request: PersistedQueryRequest, partner: string | null): Promise<string> {
    const hash = request.persistedQuery?.sha256Hash;
    const id = typeof hash === 'string' ? hash : undefined;
    if (request.persistedQuery && !id) throw reject(400, 'BAD_REQUEST', 'extensions.persistedQuery.sha256Hash must be a string');
    if (partner !== null) return this.forPartner(partner, request.query, id);

    if (!id) {
      if (!request.query) throw reject(400, 'BAD_REQUEST', 'GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension.');
      return request.query;
    }
    if (request.query) {
      if (sha256(request.query) !== id) throw reject(400, 'PERSISTED_QUERY_HASH_MISMATCH', 'provided sha does not match query');
      if (this.firstParty.has(id)) return request.query;
      if (!this.apq.enabled) throw reject(400, 'CANNOT_SEND_PQ_ID_AND_BODY', 'Sending a persisted query ID and a body in the same request is disallowed');
      await this.store.set(`apq:${id}`, request.query, this.apq.ttlSeconds);
      return request.query;
    }
    const known = this.firstParty.get(id) ?? (this.apq.enabled ? await this.store.get(`apq:${id}`) : undefined);
    if (known) return known;
    if (this.apq.enabled) throw reject(200, 'PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound');
    if (this.firstParty.size === 0) throw reject(200, 'PERSISTED_QUERY_NOT_SUPPORTED', 'PersistedQueryNotSupported');
    throw reject(404, 'PERSISTED_QUERY_NOT_IN_LIST', `Persisted query '${id}' not found in the persisted query list`);
  }

  private forPartner(partner: string, query: string | undefined, id: string | undefined): string {
    const allowed = this.partners.get(partner) ?? new Map<string, string>();
    if (!id) throw reject(400, 'PERSISTED_QUERY_ID_REQUIRED', 'This endpoint does not allow freeform GraphQL requests; operations must be sent by ID in the persisted queries GraphQL extension.');
    if (query) {
      if (sha256(query) !== id) throw reject(400, 'PERSISTED_QUERY_HASH_MISMATCH', 'provided sha does not match query');
      throw reject(400, 'CANNOT_SEND_PQ_ID_AND_BODY', 'Sending a persisted query ID and a body in the same request is disallowed');
    }
    const body = allowed.get(id);
    if (!body) throw reject(404, 'PERSISTED_QUERY_NOT_IN_LIST', `Persisted query '${id}' not found in the persisted query list`);
    return body;
  }
}
